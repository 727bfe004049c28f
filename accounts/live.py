"""A member's own live stream: what only their pages hear (badges, messages, job progress)."""

from collections.abc import Callable

from django.utils import timezone, translation

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
