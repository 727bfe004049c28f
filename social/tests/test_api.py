"""The follows API: follow and unfollow, idempotent."""

import pytest

from social.models import Follow

pytestmark = pytest.mark.django_db


class TestFollows:
    def test_follow_and_unfollow_are_idempotent(self, api, user, other_user):
        url = f"/api/users/{other_user.pk}/follow"
        assert api.call("post", url).status_code == 204
        assert api.call("post", url).status_code == 204
        assert Follow.objects.filter(follower=user, followed=other_user).count() == 1
        assert api.call("get", f"/api/users/{other_user.pk}").json()["follower_count"] == 1
        assert api.call("delete", url).status_code == 204
        assert api.call("delete", url).status_code == 204
        assert not Follow.objects.exists()

    def test_following_yourself_is_400(self, api, user):
        response = api.call("post", f"/api/users/{user.pk}/follow")
        assert response.status_code == 400
        assert response.json()["message"] == "You cannot follow yourself."

    def test_unknown_user_is_404(self, api):
        assert api.call("post", "/api/users/999999/follow").status_code == 404
