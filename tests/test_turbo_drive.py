"""Turbo Drive submits forms with fetch and needs HTTP's answers: a form shown again with
its errors is a 422, a success a 303 redirect. Pages outside the site's layout (the admin,
rosetta, the API's docs) do not load Turbo, so Drive never takes them over."""

import pytest
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory

TURBO = {"HTTP_X_TURBO_REQUEST_ID": "0c1b6e52-1b8a-4c1e-9a53-2d1e0c7f4f00"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "data", "error"),
    [
        (reverse("home"), {"body": "   "}, "Write something first"),
        (reverse("home"), {"body": "x" * 141}, "at most 140 characters"),
        (reverse("profile_edit"), {"username": "", "about_me": ""}, "This field is required."),
        (reverse("account_change_password"), {"oldpassword": "wrong"}, "Please type your current"),
    ],
)
def test_a_form_shown_again_with_its_errors_is_a_422(member_client, url, data, error):
    response = member_client.post(url, data, **TURBO)
    assert response.status_code == 422
    assert error in response.content.decode()


@pytest.mark.django_db
def test_signing_in_wrongly_then_rightly(client, user):
    url = reverse("account_login")
    wrong = client.post(url, {"login": user.username, "password": "nope"}, **TURBO)
    assert wrong.status_code == 422
    right = client.post(url, {"login": user.username, "password": PASSWORD}, **TURBO)
    assert right.status_code == 303 and right["Location"] == reverse("home")


@pytest.mark.django_db
@pytest.mark.parametrize("turbo", [True, False])
def test_a_success_redirects_with_303_under_turbo_only(member_client, turbo):
    response = member_client.post(reverse("home"), {"body": "Hello"}, **(TURBO if turbo else {}))
    assert response.status_code == (303 if turbo else 302)
    assert response["Location"] == reverse("home")


@pytest.mark.django_db
def test_without_turbo_a_form_with_errors_is_an_ordinary_page(member_client):
    assert member_client.post(reverse("home"), {"body": ""}).status_code == 200


@pytest.mark.django_db
def test_site_pages_load_turbo_and_the_admin_does_not(client):
    page = client.get(reverse("explore")).content.decode()
    assert "vendor/turbo/turbo.js" in page and 'name="turbo-prefetch" content="false"' in page
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for path in ("/admin/", "/rosetta/files/project/", "/api/docs"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "turbo" not in response.content.decode(), path
