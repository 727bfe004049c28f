"""Members' archives are readable by the site's user only: nginx's user, which shares a
group with the site to read the avatars, must not read them."""

import stat

from django.core.files.base import ContentFile
from django.core.files.storage import storages


def test_archives_and_their_folders_are_the_owners_alone(settings):
    name = storages["private"].save("jobs/7/abc/archive.zip", ContentFile(b"PK"))
    path = settings.STORAGES["private"]["OPTIONS"]["location"] / name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
