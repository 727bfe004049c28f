"""Import a following list: Mastodon's or ours, followed by the worker, with a report of
the accounts not found here; bad files refused on the spot."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.jobs import job_start
from accounts.models import Job
from accounts.tests.factories import UserFactory
from messaging.models import Notification
from messaging.services.blocks import block_create
from social.models import Follow
from social.tasks import following_import

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://microblog.example.com"


def upload(text: str | bytes, name: str = "following_accounts.csv") -> SimpleUploadedFile:
    content = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_mastodon_list_followed_and_the_rest_reported(
    member_client, user, django_capture_on_commit_callbacks
):
    alice = UserFactory(username="alice")
    UserFactory(username="bob")
    UserFactory(username="carol")
    blocker = UserFactory(username="blocker")
    block_create(blocker=blocker, blocked=user)
    csv = "\n".join([
        "Account address,Show boosts,Notify on new posts,Languages",
        "alice@microblog.example.com,true,false,",
        "@Bob,true,false,",
        "carol,true,false,",
        "alice@mastodon.social,true,false,",  # someone else, elsewhere
        "nobody@microblog.example.com,true,false,",
        f"{user.username},true,false,",  # oneself
        "blocker,true,false,",
        "<script>x</script>@evil.example,true,false,",
    ])  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(reverse("import"), {"file": upload(csv)})
    assert response.status_code == 302
    job = Job.objects.get(kind="import")
    assert job.status == "done"
    assert set(Follow.objects.filter(follower=user).values_list("followed__username", flat=True)) \
        == {"alice", "bob", "carol"}  # fmt: skip
    assert job.data == {"followed": 3, "already": 0, "not_found": 3, "refused": 2, "missing": [
        "alice@mastodon.social", "nobody@microblog.example.com",
        "<script>x</script>@evil.example",
    ]}  # fmt: skip
    content = member_client.get(reverse("import")).content.decode()
    assert "you follow 3 more accounts" in content
    assert "&lt;script&gt;x&lt;/script&gt;@evil.example" in content
    assert "<script>x</script>" not in content
    # Imported follows notify no one: a list of thousands would notify thousands.
    assert not alice.notifications.filter(kind="new_follower").exists()
    assert Notification.objects.get(recipient=user).kind == "job_finished"


def test_an_import_is_not_held_by_the_follow_rate(
    user, settings, django_capture_on_commit_callbacks
):
    settings.FOLLOW_RATE = "2/minute"
    names = [UserFactory().username for _ in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        job_start(owner=user, kind="import", task=following_import, data={"addresses": names})
    assert Follow.objects.filter(follower=user).count() == 5


def test_our_own_export_imports_back(user, django_capture_on_commit_callbacks):
    from accounts.addresses import account_address

    friend = UserFactory()
    csv = f"Account address,Show boosts,Notify on new posts,Languages\n" \
          f"{account_address(friend.username)},true,false,\n"  # fmt: skip
    from social.imports import following_addresses

    addresses = following_addresses(upload(csv))
    with django_capture_on_commit_callbacks(execute=True):
        job_start(owner=user, kind="import", task=following_import, data={"addresses": addresses})
    assert Follow.objects.filter(follower=user, followed=friend).exists()


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"\xff\xfe\x00binary", "not a CSV file"),
        ("Account address,Show boosts\n", "no account address"),
        ("\n".join(f"user{i}" for i in range(5001)), "5001 addresses"),
        ("a" * (1024 * 1024 + 1), "too big"),
        ("a" * 200_000, "not a CSV file"),  # a field over csv's limit
    ],
)
def test_bad_files_are_refused_on_the_spot(member_client, content, error):
    response = member_client.post(reverse("import"), {"file": upload(content)})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Job.objects.exists()


def test_the_page_needs_a_member(client):
    assert client.get(reverse("import")).status_code == 302


def test_a_second_list_says_what_it_did(user, django_capture_on_commit_callbacks):
    friend = UserFactory()
    results = []
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            addresses = [friend.username, friend.username.upper()]  # one account, twice
            job = job_start(owner=user, kind="import", task=following_import,
                            data={"addresses": addresses})  # fmt: skip
        job.refresh_from_db()
        results.append((job.data["followed"], job.data["already"]))
    assert results == [(1, 1), (0, 2)]


def test_control_characters_are_dropped(member_client, user):
    member_client.post(reverse("import"), {"file": upload("ali\x00ce\n")})
    assert Job.objects.get().data["addresses"] == ["alice"]


def test_one_import_at_a_time_and_a_few_a_day(member_client, user, settings):
    job = Job.objects.create(owner=user, kind="import", status="running",
                             heartbeat=timezone.now())  # fmt: skip
    response = member_client.post(reverse("import"), {"file": upload("alice\n")}, follow=True)
    assert "An import is under way" in response.content.decode()
    assert Job.objects.count() == 1
    job.status = "done"
    job.save()
    settings.IMPORTS_PER_DAY = 1
    response = member_client.post(reverse("import"), {"file": upload("alice\n")})
    assert "once a day" in response.content.decode()
