"""Following, unfollowing, and the lists of followers and followed accounts."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.selectors import profile_get, user_get
from microblog.pagination import keyset_page
from microblog.redirects import redirect_back
from social.selectors import followed_by, followed_ids_among, followers_of
from social.services import follow_create, follow_delete


@login_required
@require_POST
def follow(request, username: str):
    """Follow a member, then go back where the button was."""
    followed = user_get(username=username)
    try:
        follow_create(follower=request.user, followed=followed)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("You are following %(username)s.") % {"username": followed})
    return redirect_back(request, followed.get_absolute_url())


@login_required
@require_POST
def unfollow(request, username: str):
    """Stop following a member, then go back where the button was."""
    followed = user_get(username=username)
    follow_delete(follower=request.user, followed=followed)
    messages.success(
        request, _("You are not following %(username)s anymore.") % {"username": followed}
    )
    return redirect_back(request, followed.get_absolute_url())


def _follow_list(request, username: str, *, selector, person_field: str, template: str):
    """Render one page of a member's followers or followed accounts."""
    user = profile_get(username=username)
    page = keyset_page(selector(user=user), params=request.GET, per_page=settings.POSTS_PER_PAGE)
    people = [getattr(follow, person_field) for follow in page.items]
    context = {
        "profile_user": user,
        "page": page,
        "people": people,
        "followed_ids": followed_ids_among(follower=request.user, users=people),
    }
    return render(request, template, context)


@require_http_methods(["GET"])
def followers(request, username: str):
    """Who follows this member."""
    return _follow_list(
        request,
        username,
        selector=followers_of,
        person_field="follower",
        template="social/followers.html",
    )


@require_http_methods(["GET"])
def following(request, username: str):
    """Whom this member follows."""
    return _follow_list(
        request,
        username,
        selector=followed_by,
        person_field="followed",
        template="social/following.html",
    )
