"""Following, unfollowing, and the lists of followers and followed accounts."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.jobs import JobRefused, JobUnderWay, job_start, jobs_fail_stale
from accounts.models import Job
from accounts.selectors import user_get
from core.pagination import keyset_page
from core.ratelimit import RateLimited
from core.redirects import redirect_back
from social.forms import FollowingImportForm
from social.imports import MAX_ACCOUNTS
from social.selectors import followed_by, followed_ids_among, followers_of
from social.services import follow_create, follow_delete
from social.tasks import following_import


@login_required
@require_POST
def follow(request, username: str):
    """Follow a member, then go back where the button was."""
    followed = user_get(username=username)
    try:
        follow_create(follower=request.user, followed=followed)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    except (PermissionDenied, RateLimited) as error:
        messages.error(request, str(error))
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


@require_safe
def people(request, username: str, *, direction: str):
    """One page of a member's followers (direction "followers") or followed accounts."""
    user = user_get(username=username)
    if direction == "followers":
        selector, person_field = followers_of, "follower"
        heading = _("Followers of %(username)s") % {"username": user.username}
        empty_message = _("Nobody follows %(username)s yet.") % {"username": user.username}
    else:
        selector, person_field = followed_by, "followed"
        heading = _("Followed by %(username)s") % {"username": user.username}
        empty_message = _("%(username)s does not follow anyone yet.") % {"username": user.username}
    page = keyset_page(selector(user=user), params=request.GET, per_page=settings.POSTS_PER_PAGE)
    people = [getattr(follow, person_field) for follow in page.items]
    context = {
        "profile_user": user,
        "page": page,
        "people": people,
        "followed_ids": followed_ids_among(follower=request.user, users=people),
        "heading": heading,
        "empty_message": empty_message,
    }
    return render(request, "social/people.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def following_import_page(request):
    """Upload a following list (ours, or Mastodon's) to follow those accounts here."""
    jobs_fail_stale(owner=request.user)
    form = FollowingImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job_start(owner=request.user, kind="import", task=following_import,
                      daily_limit=settings.IMPORTS_PER_DAY,
                      data={"addresses": form.cleaned_data["addresses"]})  # fmt: skip
        except JobUnderWay:  # from another tab: this list is not taken, and the member knows
            messages.error(request, _("An import is under way: wait for it to end."))
            return redirect("import")
        except JobRefused as error:
            form.add_error(None, str(error))
        else:
            return redirect("import")
    job = Job.objects.filter(owner=request.user, kind="import").first()
    context = {"form": form, "job": job, "max_accounts": MAX_ACCOUNTS}
    return render(request, "social/import.html", context, status=400 if form.errors else 200)
