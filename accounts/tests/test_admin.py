"""The admin for moderators: what they may do, and what they may never do."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from posts.models import Post
from posts.tests.factories import PostFactory
from social.models import Follow
from social.tests.counts import follow_counts_mismatches
from social.tests.factories import FollowFactory


@pytest.mark.django_db
class TestAdmin:
    @pytest.fixture
    def moderator_client(self, client):
        moderator = UserFactory(is_staff=True)
        moderator.groups.add(Group.objects.get(name="Moderators"))
        client.force_login(moderator)
        return client

    def test_moderators_group_has_exactly_the_moderation_permissions(self):
        permissions = Group.objects.get(name="Moderators").permissions.values_list(
            "content_type__app_label", "codename"
        )
        assert sorted(permissions) == [
            ("accounts", "change_user"),
            ("accounts", "view_user"),
            ("messaging", "change_report"),
            ("messaging", "view_report"),
            ("posts", "delete_post"),
            ("posts", "view_post"),
            ("social", "delete_follow"),
            ("social", "view_follow"),
        ]

    def test_moderators_search_and_delete_posts(self, moderator_client):
        post = PostFactory(body="spam spam spam")
        PostFactory(body="a fine post")
        listing = moderator_client.get(reverse("admin:posts_post_changelist"), {"q": "spam"})
        assert listing.status_code == 200
        assert "spam spam spam" in listing.content.decode()
        assert "a fine post" not in listing.content.decode()
        response = moderator_client.post(
            reverse("admin:posts_post_delete", args=[post.pk]), {"post": "yes"}
        )
        assert response.status_code == 302
        assert not Post.objects.filter(pk=post.pk).exists()
        post.author.refresh_from_db()
        assert post.author.post_count == 0

    def test_deleting_selected_posts_recounts_their_authors(self, moderator_client):
        author = UserFactory()
        posts = [PostFactory(author=author) for _ in range(3)]
        response = moderator_client.post(
            reverse("admin:posts_post_changelist"),
            {"action": "delete_selected", "_selected_action": [posts[0].pk, posts[1].pk],
             "post": "yes"},
        )  # fmt: skip
        assert response.status_code == 302
        author.refresh_from_db()
        assert author.post_count == 1

    def test_a_superuser_moving_a_post_recounts_both_authors(self, admin_client):
        post = PostFactory()
        before, after = post.author, UserFactory()
        response = admin_client.post(
            reverse("admin:posts_post_change", args=[post.pk]),
            {"author": after.pk, "body": post.body, "language": ""},
        )
        assert response.status_code == 302
        before.refresh_from_db()
        after.refresh_from_db()
        assert (before.post_count, after.post_count) == (0, 1)

    def test_follow_counts_follow_deactivation_and_deletion(self, moderator_client, admin_client):
        member, fan, idol = UserFactory(), UserFactory(), UserFactory()
        FollowFactory(follower=fan, followed=member)
        FollowFactory(follower=member, followed=idol)
        moderator_client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "deactivate", "_selected_action": [member.pk]},
        )
        fan.refresh_from_db()
        idol.refresh_from_db()
        assert (fan.following_count, idol.follower_count) == (0, 0)
        assert follow_counts_mismatches() == []
        response = moderator_client.post(
            reverse("admin:accounts_user_change", args=[member.pk]),
            {"username": member.username, "is_active": "on",
             "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"},
        )  # fmt: skip
        assert response.status_code == 302
        fan.refresh_from_db()
        assert fan.following_count == 1
        admin_client.post(reverse("admin:accounts_user_delete", args=[member.pk]), {"post": "yes"})
        fan.refresh_from_db()
        idol.refresh_from_db()
        assert (fan.following_count, idol.follower_count) == (0, 0)
        assert follow_counts_mismatches() == []

    def test_deleting_follows_recounts_both_members(self, moderator_client):
        follows = [FollowFactory() for _ in range(2)]
        moderator_client.post(
            reverse("admin:social_follow_changelist"),
            {"action": "delete_selected", "_selected_action": [follows[0].pk], "post": "yes"},
        )
        moderator_client.post(reverse("admin:social_follow_delete", args=[follows[1].pk]),
                              {"post": "yes"})  # fmt: skip
        assert not Follow.objects.exists()
        assert follow_counts_mismatches() == []
        assert set(User.objects.values_list("follower_count", "following_count")) == {(0, 0)}

    def test_moderators_deactivate_users_but_cannot_grant_powers(self, moderator_client):
        target = UserFactory()
        response = moderator_client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "deactivate", "_selected_action": [target.pk]},
        )
        assert response.status_code == 302
        target.refresh_from_db()
        assert not target.is_active
        form = moderator_client.get(reverse("admin:accounts_user_change", args=[target.pk]))
        assert 'name="is_superuser"' not in form.content.decode()
        assert 'name="is_active"' in form.content.decode()


@pytest.mark.django_db
class TestModeratorsActOnOrdinaryMembersOnly:
    """The takeover: a moderator must never reach a staff member, a superuser or themself."""

    @pytest.fixture
    def moderator(self):
        moderator = UserFactory(is_staff=True)
        moderator.groups.add(Group.objects.get(name="Moderators"))
        return moderator

    @pytest.fixture
    def moderator_client(self, client, moderator):
        client.force_login(moderator)
        return client

    @pytest.fixture
    def superuser(self):
        return UserFactory(is_staff=True, is_superuser=True, email="boss@example.com")

    def test_no_password_form_for_anyone(self, moderator_client, superuser, user):
        for target in (superuser, user):
            url = reverse("admin:auth_user_password_change", args=[target.pk])
            assert moderator_client.get(url).status_code == 403
            data = {"password1": "taken over 12345", "password2": "taken over 12345"}
            assert moderator_client.post(url, data).status_code == 403
            target.refresh_from_db()
            assert not target.check_password("taken over 12345")

    def test_cannot_change_or_deactivate_a_superuser(self, moderator_client, superuser):
        url = reverse("admin:accounts_user_change", args=[superuser.pk])
        page = moderator_client.get(url)
        assert page.status_code == 200  # they may look
        assert 'name="email"' not in page.content.decode()
        data = {"username": superuser.username, "email": "me@evil.example", "is_active": ""}
        assert moderator_client.post(url, data).status_code == 403
        superuser.refresh_from_db()
        assert superuser.is_active and superuser.email == "boss@example.com"

    def test_deactivate_action_skips_staff_superusers_and_themself(
        self, moderator_client, moderator, superuser
    ):
        staff, member = UserFactory(is_staff=True), UserFactory()
        chosen = [superuser.pk, staff.pk, moderator.pk, member.pk]
        response = moderator_client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "deactivate", "_selected_action": chosen},
            follow=True,
        )
        assert "3 users were skipped" in response.content.decode()
        active = dict(UserFactory._meta.model.objects.values_list("pk", "is_active"))
        assert active[member.pk] is False
        assert active[superuser.pk] and active[staff.pk] and active[moderator.pk]

    def test_cannot_touch_their_own_account(self, moderator_client, moderator):
        url = reverse("admin:accounts_user_change", args=[moderator.pk])
        data = {"username": moderator.username, "is_superuser": "on", "is_staff": "on"}
        assert moderator_client.post(url, data).status_code == 403
        moderator.refresh_from_db()
        assert not moderator.is_superuser

    def test_may_edit_an_ordinary_member_but_not_their_email(self, moderator_client, user):
        url = reverse("admin:accounts_user_change", args=[user.pk])
        data = {
            "username": user.username,
            "email": "hijack@evil.example",
            "about_me": "Removed by a moderator.",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        }
        response = moderator_client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        user.refresh_from_db()
        assert user.about_me == "Removed by a moderator."
        assert user.email != "hijack@evil.example"

    def test_superusers_may_set_passwords(self, client, superuser, user):
        client.force_login(superuser)
        url = reverse("admin:auth_user_password_change", args=[user.pk])
        data = {"password1": "a new passphrase 42", "password2": "a new passphrase 42"}
        assert client.post(url, data).status_code == 302
        user.refresh_from_db()
        assert user.check_password("a new passphrase 42")

    def test_no_password_hash_is_shown_to_moderators(self, moderator_client, superuser, user):
        for target in (superuser, user):
            page = moderator_client.get(reverse("admin:accounts_user_change", args=[target.pk]))
            assert "argon2" not in page.content.decode() and "md5" not in page.content.decode()
