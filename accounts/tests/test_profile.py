"""Profile pages and profile editing, avatars included."""

import os
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.services import last_seen_touch
from accounts.tests.factories import UserFactory
from posts.tests.factories import PostFactory
from social.tests.factories import FollowFactory

pytestmark = pytest.mark.django_db


def image_upload(name="me.png", image_format="PNG", size=(300, 200)) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue())


class TestProfilePage:
    def test_shows_who_they_are_and_what_they_wrote(self, client, user):
        user.about_me = "I like <b>tea</b>"
        user.save()
        PostFactory(author=user, body="my first post")
        FollowFactory(followed=user)
        FollowFactory(followed=user)
        FollowFactory(follower=user)
        content = client.get(reverse("profile", args=[user.username])).content.decode()
        assert "I like &lt;b&gt;tea&lt;/b&gt;" in content
        assert "my first post" in content
        assert "2 followers" in content
        assert "1 following" in content
        assert "1 post<" in content
        assert "Last seen" in content and "Member since" in content
        assert f'alt="Avatar of {user.username}"' in content

    def test_own_profile_offers_editing_others_offer_following(self, member_client, user):
        other = UserFactory()
        own = member_client.get(reverse("profile", args=[user.username])).content.decode()
        assert "Edit your profile" in own and reverse("follow", args=[user.username]) not in own
        theirs = member_client.get(reverse("profile", args=[other.username])).content.decode()
        assert reverse("follow", args=[other.username]) in theirs

    def test_unknown_and_deactivated_users_are_404(self, client):
        assert client.get(reverse("profile", args=["nobody"])).status_code == 404
        gone = UserFactory(is_active=False)
        assert client.get(reverse("profile", args=[gone.username])).status_code == 404

    def test_other_letter_case_redirects_to_the_canonical_address(self, client):
        UserFactory(username="Susan")
        response = client.get(reverse("profile", args=["susan"]))
        assert response.status_code == 302
        assert response["Location"] == reverse("profile", args=["Susan"])

    def test_empty_profile_says_so(self, client, user):
        content = client.get(reverse("profile", args=[user.username])).content.decode()
        assert f"{user.username} has not posted anything yet." in content


class TestEditProfile:
    def test_visitors_are_sent_to_log_in(self, client):
        response = client.get(reverse("profile_edit"))
        assert response["Location"].startswith(reverse("account_login"))

    def test_change_username_and_about_me(self, member_client, user):
        response = member_client.post(
            reverse("profile_edit"), {"username": "newname", "about_me": " Hello! "}, follow=True
        )
        assert response.redirect_chain == [(reverse("profile", args=["newname"]), 302)]
        assert "Your changes have been saved." in response.content.decode()
        user.refresh_from_db()
        assert (user.username, user.about_me) == ("newname", "Hello!")

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"username": "TAKEN"}, "already exists"),
            ({"username": "admin"}, "is reserved"),
            ({"username": "with space"}, "Use only letters"),
            ({"about_me": "x" * 141}, "at most 140 characters"),
        ],
    )
    def test_errors_are_shown_on_the_form(self, member_client, user, data, message):
        UserFactory(username="taken")
        response = member_client.post(
            reverse("profile_edit"), {"username": user.username, "about_me": ""} | data
        )
        assert response.status_code == 200
        assert message in response.content.decode()
        old_username = user.username
        user.refresh_from_db()
        assert user.username == old_username

    @pytest.mark.parametrize("image_format", ["PNG", "JPEG", "WEBP", "GIF"])
    def test_avatar_upload_is_stored_as_a_square(self, member_client, user, image_format):
        upload = image_upload(f"me.{image_format.lower()}", image_format)
        data = {"username": user.username, "about_me": "", "avatar": upload}
        assert member_client.post(reverse("profile_edit"), data).status_code == 302
        user.refresh_from_db()
        with Image.open(user.avatar.path) as stored:
            assert (stored.format, stored.size) == ("WEBP", (256, 256))
        assert user.avatar_url() == user.avatar.url
        page = member_client.get(reverse("profile", args=[user.username])).content.decode()
        assert user.avatar.url in page

    def test_replacing_then_removing_the_avatar_deletes_old_files(
        self, member_client, user, django_capture_on_commit_callbacks
    ):
        data = {"username": user.username, "about_me": ""}
        with django_capture_on_commit_callbacks(execute=True):
            member_client.post(reverse("profile_edit"), data | {"avatar": image_upload()})
        user.refresh_from_db()
        first = user.avatar.path
        with django_capture_on_commit_callbacks(execute=True):
            member_client.post(reverse("profile_edit"), data | {"avatar": image_upload()})
        user.refresh_from_db()
        second = user.avatar.path
        assert first != second
        with django_capture_on_commit_callbacks(execute=True):
            member_client.post(reverse("profile_edit"), data | {"remove_avatar": "on"})
        user.refresh_from_db()
        assert not user.avatar
        assert "gravatar.com" in user.avatar_url()
        assert not os.path.exists(first) and not os.path.exists(second)

    def test_a_file_that_is_not_an_image_is_refused(self, member_client, user):
        upload = SimpleUploadedFile("me.png", b"%PDF-1.4 definitely not a picture")
        response = member_client.post(
            reverse("profile_edit"),
            {"username": user.username, "about_me": "", "avatar": upload},
        )
        assert response.status_code == 200
        assert "Upload a JPEG, PNG, WebP or GIF image." in response.content.decode()
        user.refresh_from_db()
        assert not user.avatar

    def test_an_unsupported_image_format_is_refused(self, member_client, user):
        data = {"username": user.username, "avatar": image_upload("me.bmp", "BMP")}
        response = member_client.post(reverse("profile_edit"), data)
        assert "Upload a JPEG, PNG, WebP or GIF image." in response.content.decode()

    def test_an_oversized_image_is_refused(self, member_client, user, settings):
        settings.AVATAR_MAX_BYTES = 1000
        data = {"username": user.username, "avatar": image_upload(size=(900, 900))}
        response = member_client.post(reverse("profile_edit"), data)
        assert "larger than the limit of" in response.content.decode()
        user.refresh_from_db()
        assert not user.avatar


class TestLastSeen:
    def test_written_at_most_once_a_minute(self, user, django_assert_num_queries):
        user.last_seen = timezone.now() - timedelta(seconds=30)
        with django_assert_num_queries(0):
            last_seen_touch(user=user)
        user.last_seen = timezone.now() - timedelta(seconds=61)
        with CaptureQueriesContext(connection) as queries:
            last_seen_touch(user=user)
        assert [q["sql"].split()[0] for q in queries if "UPDATE" in q["sql"]] == ["UPDATE"]
        user.refresh_from_db()
        assert timezone.now() - user.last_seen < timedelta(seconds=5)

    def test_browsing_updates_it(self, member_client, user):
        user.last_seen = None
        user.save()
        member_client.get(reverse("explore"))
        user.refresh_from_db()
        assert user.last_seen is not None


class TestReviewRegressions:
    def test_a_truncated_image_is_a_form_error_not_a_500(self, member_client, user):
        whole = image_upload("me.jpg", "JPEG", size=(400, 400)).read()
        upload = SimpleUploadedFile("me.jpg", whole[: len(whole) // 2])
        data = {"username": user.username, "avatar": upload}
        response = member_client.post(reverse("profile_edit"), data)
        assert response.status_code == 200
        assert "Upload a JPEG, PNG, WebP or GIF image." in response.content.decode()

    def test_a_rejected_username_does_not_leak_into_the_page(self, member_client, user):
        response = member_client.post(reverse("profile_edit"), {"username": "with space"})
        assert response.status_code == 200
        assert reverse("profile", args=[user.username]) in response.content.decode()

    @pytest.mark.parametrize("path", ["/user/a%00b/", "/user/a%00b/followers/", "/user/a b/"])
    def test_usernames_no_one_can_have_are_404(self, member_client, path):
        assert member_client.get(path).status_code == 404
        assert member_client.post("/user/a%00b/follow/").status_code == 404


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG file whose header declares width x height pixels (a decompression bomb)."""
    buffer = BytesIO()
    Image.new("1", (width, height)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


class TestAvatarLimits:
    def test_a_decompression_bomb_is_refused_before_decoding(self, member_client, user):
        bomb = png_declaring(13000, 13000)
        assert len(bomb) < 50_000
        upload = SimpleUploadedFile("bomb.png", bomb)
        response = member_client.post(
            reverse("profile_edit"), {"username": user.username, "avatar": upload}
        )
        assert response.status_code == 200
        assert "13000 by 13000 pixels; the limit is 25 megapixels" in response.content.decode()
        user.refresh_from_db()
        assert not user.avatar

    def test_one_byte_over_the_limit_says_so_plainly(self, member_client, user, settings):
        upload = image_upload()
        settings.AVATAR_MAX_BYTES = upload.size - 1
        response = member_client.post(
            reverse("profile_edit"), {"username": user.username, "avatar": upload}
        )
        content = response.content.decode()
        assert "The image is larger than the limit of" in content
        assert content.count("the limit is") == 0

    def test_the_admin_avatar_goes_through_the_same_checks(self, admin_client, user):
        url = reverse("admin:accounts_user_change", args=[user.pk])
        form = {
            "username": user.username,
            "email": user.email,
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        }
        not_an_image = SimpleUploadedFile("evil.webp", b"<script>alert(1)</script>")
        response = admin_client.post(url, form | {"avatar": not_an_image})
        assert "Upload a valid image" in response.content.decode()
        bomb = SimpleUploadedFile("bomb.png", png_declaring(13000, 13000))
        response = admin_client.post(url, form | {"avatar": bomb})
        assert "the limit is 25 megapixels" in response.content.decode()
        bmp = image_upload("me.bmp", "BMP")
        response = admin_client.post(url, form | {"avatar": bmp})
        assert "Upload a JPEG, PNG, WebP or GIF image." in response.content.decode()
        user.refresh_from_db()
        assert not user.avatar
        long_name = image_upload(name="a" * 500 + ".png", size=(900, 500))  # stored renamed
        response = admin_client.post(url, form | {"avatar": long_name})
        assert response.status_code == 302
        user.refresh_from_db()
        with Image.open(user.avatar.path) as stored:
            assert stored.format == "WEBP" and stored.size == (256, 256)

    def test_avatar_changes_are_rate_limited_before_decoding(
        self, member_client, user, settings, monkeypatch
    ):
        settings.AVATAR_RATE = "2/minute"
        decoded = []
        monkeypatch.setattr(
            "accounts.services.avatar_from_upload",
            lambda upload: decoded.append(upload) or ContentFile(b"x", name="a.webp"),
        )
        for _ in range(3):
            response = member_client.post(
                reverse("profile_edit"), {"username": user.username, "avatar": image_upload()}
            )
        assert "You are doing that too often" in response.content.decode()
        assert len(decoded) == 2
