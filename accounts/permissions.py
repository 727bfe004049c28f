"""Who may do what, beyond Django's model permissions."""

from django.db.models import QuerySet

TRANSLATORS_GROUP = "Translators"


def can_translate(user) -> bool:
    """Members of the Translators group, and superusers, may edit the catalogues (rosetta)."""
    return user.is_authenticated and (
        user.is_superuser or user.groups.filter(name=TRANSLATORS_GROUP).exists()
    )


def manageable_users(actor, users: QuerySet) -> QuerySet:
    """The part of `users` that `actor` may change in the admin.

    Superusers may change anyone. Moderators (staff with accounts.change_user) may act on
    ordinary members only: never on staff or superusers, and never on themselves, so that
    no moderator can take over a more powerful account or raise their own rights.
    """
    if actor.is_active and actor.is_superuser:
        return users
    if not (actor.is_active and actor.is_staff and actor.has_perm("accounts.change_user")):
        return users.none()
    return users.filter(is_staff=False, is_superuser=False).exclude(pk=actor.pk)


def can_manage_user(actor, user) -> bool:
    """Whether `actor` may change `user` in the admin (see `manageable_users`)."""
    return manageable_users(actor, type(user).objects.filter(pk=user.pk)).exists()


def can_set_password(actor) -> bool:
    """Only superusers set other people's passwords; moderators never touch one."""
    return actor.is_active and actor.is_superuser
