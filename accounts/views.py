"""Profile pages."""

from copy import copy
from pathlib import PurePosixPath

from allauth.account import views as allauth_views
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_cookie
from django.views.i18n import set_language

from accounts.deletion import account_delete_start
from accounts.forms import AccountDeleteForm, ProfileForm
from accounts.jobs import job_stream, jobs_fail_stale
from accounts.models import Job
from accounts.selectors import user_get
from accounts.services import language_save, user_update
from accounts.tasks import account_delete as account_delete_task
from accounts.tokens import active_tokens, token_revoke
from core.files import private_file_response
from core.pagination import keyset_page
from core.ratelimit import RateLimited
from core.redirects import safe_next
from core.streams import turbo_stream_response
from posts.selectors import user_posts
from social.selectors import is_following


@require_safe
def profile(request, username: str):
    """A member's public page: who they are and what they wrote."""
    if request.user.is_authenticated and request.user.username == username:
        user = request.user  # one's own profile: read already, with its counts
    else:
        user = user_get(username=username)
    if user.username != username:
        return redirect(user)  # one canonical address per profile
    page = keyset_page(user_posts(user=user), params=request.GET, per_page=settings.POSTS_PER_PAGE)
    context = {
        "profile_user": user,
        "page": page,
        "is_following": is_following(follower=request.user, followed=user),
        "stream": f"profile:{user.pk}",  # live: new posts, deletions, counts
    }
    return render(request, "accounts/profile.html", context)


@require_safe
@cache_control(private=True, no_cache=True)
@vary_on_cookie
def profile_popup(request, username: str):
    """A member's card, the HTML fragment that app.js shows in a popover on their name."""
    # Per viewer (follow state, CSRF token): no shared cache may keep it, and the browser
    # asks again on the next page, where app.js keeps one copy for the page's lifetime.
    user = user_get(username=username)
    context = {
        "profile_user": user,
        "is_following": is_following(follower=request.user, followed=user),
        # The follow button sends the member back to the page the card was opened on.
        "next": safe_next(request, or_referer=True) or user.get_absolute_url(),
    }
    return render(request, "accounts/_popover.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile_edit(request):
    """Change your username, about me and avatar."""
    # A copy: validation writes rejected values onto its instance, and the page around the
    # form (navbar, links) must keep showing the member as they are.
    form = ProfileForm(request.POST or None, request.FILES or None, instance=copy(request.user))
    if form.is_valid():
        try:
            user = user_update(
                user=request.user,
                actor=request.user,
                username=form.cleaned_data["username"],
                about_me=form.cleaned_data["about_me"],
                avatar=form.cleaned_data.get("avatar"),
                remove_avatar=form.cleaned_data.get("remove_avatar", False),
                language=form.cleaned_data["language"],
                timezone_name=form.cleaned_data["timezone"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        except RateLimited as error:
            form.add_error("avatar", str(error))
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect(user)
    return render(request, "accounts/profile_edit.html", {"form": form})


@require_POST
def language_set(request):
    """Django's set_language (cookie, redirect), plus saving the choice on the account."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        language_save(user=request.user, language=language)
    return response


@login_required
@require_safe
def token_list(request):
    """Your API tokens that still work: when made, last used, and when they expire."""
    return render(request, "accounts/tokens.html", {"tokens": active_tokens(user=request.user)})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def token_revoke_confirm(request, token_id: int):
    """Ask for confirmation (GET), then revoke one of your tokens (POST)."""
    token = get_object_or_404(active_tokens(user=request.user), pk=token_id)
    if request.method == "POST":
        token_revoke(token=token)
        messages.success(request, _("The token was revoked. Programs using it must get a new one."))
        return redirect("token_list")
    return render(request, "accounts/token_confirm_revoke.html", {"token": token})


class SignupView(allauth_views.SignupView):
    """allauth's sign-up, where losing a race for a name or address is a form error."""

    def form_valid(self, form):
        """Create the account; a concurrent sign-up that took the name first is reported."""
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)


@login_required
@require_safe
def job_status(request, job_id: int):
    """One's job as it is now, as a Turbo Stream (pages ask while they have no live
    connection)."""
    jobs_fail_stale(owner=request.user)
    job = get_object_or_404(Job, pk=job_id, owner=request.user)
    return turbo_stream_response(job_stream(job))


@login_required
@require_safe
def job_download(request, job_id: int):
    """The file a job of one's own made, while it is kept (404 for anyone else): streamed,
    or a redirect to a signed URL that works for a minute when it is in object storage."""
    job = get_object_or_404(Job, pk=job_id, owner=request.user, status=Job.Status.DONE)
    gone = Http404(_("This file is no longer available. Please start again."))
    if not job.file or job.expires < timezone.now():
        raise gone
    try:
        return private_file_response(job.file, filename=PurePosixPath(job.file.name).name)
    except FileNotFoundError:
        raise gone from None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_delete(request):
    """Delete my account, with the password: signed out at once, removed by the worker."""
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        account_delete_start(user=request.user, task=account_delete_task)
        logout(request)
        messages.success(
            request,
            _(
                "Your account is deleted. What you left here is being removed; an e-mail will "
                "confirm it."
            ),
        )
        return redirect("explore")
    return render(request, "accounts/account_delete.html", {"form": form},
                  status=400 if form.errors else 200)  # fmt: skip
