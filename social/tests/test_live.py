"""Follower and following counts change live on every open profile of the two members."""

import re

import pytest
from asgiref.sync import async_to_sync

from accounts.tests.factories import UserFactory
from core.tests.cable import cable_open, in_thread, pushed, subscribe
from social.services import follow_create, follow_delete

pytestmark = pytest.mark.django_db(transaction=True)


def counts(html: str) -> dict[str, int]:
    return {
        kind: int(n)
        for n, kind in re.findall(r'data-count="(\d+)"\s+data-count-text="(\w+)"', html)
    }


def test_a_follow_and_an_unfollow_show_on_both_profiles():
    reader, author = UserFactory(), UserFactory()

    async def run():
        on_author = await cable_open()
        on_reader = await cable_open()
        assert await subscribe(on_author, f"profile:{author.pk}") == "confirm_subscription"
        assert await subscribe(on_reader, f"profile:{reader.pk}") == "confirm_subscription"
        await in_thread(follow_create, follower=reader, followed=author)
        html = await pushed(on_author)
        assert f'action="replace" target="profile-counts-{author.pk}"' in html
        assert counts(html) == {"followers": 1, "following": 0, "posts": 0}
        assert counts(await pushed(on_reader)) == {"followers": 0, "following": 1, "posts": 0}
        await in_thread(follow_delete, follower=reader, followed=author)
        assert counts(await pushed(on_author))["followers"] == 0
        for cable in (on_author, on_reader):
            await cable.disconnect()

    async_to_sync(run)()


def test_a_deactivated_members_profile_cannot_be_heard():
    gone = UserFactory(is_active=False)

    async def run():
        cable = await cable_open()
        assert await subscribe(cable, f"profile:{gone.pk}") == "reject_subscription"
        await cable.disconnect()

    async_to_sync(run)()
