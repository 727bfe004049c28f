from django.db import migrations, models
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce


def count_follows(apps, schema_editor):
    """Fill the stored counts from the follows already made (of active members only)."""
    User = apps.get_model("accounts", "User")
    Follow = apps.get_model("social", "Follow")

    def counted(follows, field):
        return Coalesce(
            Subquery(
                follows.filter(**{field: OuterRef("pk")})
                .order_by()
                .values(field)
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        )

    User.objects.update(
        follower_count=counted(Follow.objects.filter(follower__is_active=True), "followed"),
        following_count=counted(Follow.objects.filter(followed__is_active=True), "follower"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_user_post_count"),
        ("social", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="follower_count",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="followers"),
        ),
        migrations.AddField(
            model_name="user",
            name="following_count",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="following"),
        ),
        migrations.RunPython(count_follows, migrations.RunPython.noop),
    ]
