"""A member's own live stream (what only their pages hear: badges, messages, job
progress), and their profile's counts as everyone sees them."""

from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils import timezone, translation
from turbo_helper import turbo_stream

from accounts.models import User
from accounts.timezones import zone_or_none
from core import live


def member_group(user_id: int) -> str:
    """The group of every open page of one member."""
    return f"member.{user_id}"


@live.stream("member")
def member_stream(*, user, argument: str) -> list[str]:
    """A signed-in socket hears its own member's group, and no one else's."""
    return [member_group(user.pk)] if user.is_authenticated and not argument else []


def member_push_on_commit(*, user_id: int, render: Callable[[User], str]) -> None:
    """After the commit, push `render(member)` to every open page of the member, rendered
    in their language and time zone."""

    def render_for_member() -> str:
        member = User.objects.filter(pk=user_id, is_active=True).first()
        if member is None:
            return ""
        zone = zone_or_none(member.timezone) or timezone.get_current_timezone()
        language = member.language or translation.get_language()
        with translation.override(language), timezone.override(zone):
            return render(member)

    live.push_on_commit(groups=[member_group(user_id)], render=render_for_member)


def profile_group(user_id: int) -> str:
    """The group of the pages that show this member's counts (their profile)."""
    return f"profile.{user_id}"


def push_profile_counts(*, user_ids) -> None:
    """Once committed, show these members' stored counts (posts, followers, following)."""
    for user_id in user_ids:
        live.push_on_commit(groups=[profile_group(user_id)], render=lambda pk=user_id: _counts(pk))


def _counts(user_id: int) -> str:
    """A Turbo Stream replacing a member's counts with the stored ones."""
    member = User.objects.filter(pk=user_id).first()
    if member is None:
        return ""
    counts = render_to_string("accounts/_profile_counts.html", {"profile_user": member})
    return turbo_stream.replace(f"profile-counts-{user_id}", content=counts)
