"""Who may do what, beyond Django's model permissions."""

TRANSLATORS_GROUP = "Translators"


def can_translate(user) -> bool:
    """Members of the Translators group, and superusers, may edit the catalogues (rosetta)."""
    return user.is_authenticated and (
        user.is_superuser or user.groups.filter(name=TRANSLATORS_GROUP).exists()
    )
