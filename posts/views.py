"""Pages for writing, reading and deleting posts."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.forms import FormWrite, form_write
from core.pagination import keyset_page
from core.redirects import redirect_back, safe_next
from posts.forms import PostForm
from posts.selectors import explore_posts
from posts.services import can_delete_post, post_create, post_delete
from social.selectors import home_timeline


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def home(request):
    """The compose form and the home timeline."""
    form = PostForm(request.POST or None)
    write = FormWrite()
    if form.is_valid():
        write = form_write(
            form,
            "body",
            lambda: post_create(author=request.user, body=form.cleaned_data["body"]),
            busy_message=_("The site is busy and your post was not saved. Please try again."),
        )
        if write.done:
            messages.success(request, _("Your post is now live!"))
            return redirect("home")
    page = keyset_page(
        home_timeline(user=request.user), params=request.GET, per_page=settings.POSTS_PER_PAGE
    )
    # The form keeps what was typed when it could not be saved.
    return render(request, "posts/home.html", {"form": form, "page": page}, status=write.status)


@require_safe
def explore(request):
    """Everyone's posts, newest first."""
    page = keyset_page(explore_posts(), params=request.GET, per_page=settings.POSTS_PER_PAGE)
    return render(request, "posts/explore.html", {"page": page})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete(request, post_id: int):
    """Ask for confirmation (GET), then delete the post (POST)."""
    post = get_object_or_404(explore_posts(), pk=post_id)
    if not can_delete_post(post=post, actor=request.user):
        raise PermissionDenied
    if request.method == "POST":
        post_delete(post=post, actor=request.user)
        messages.success(request, _("The post was deleted."))
        return redirect_back(request, "home")
    # Post lists are the same for every reader, so their links carry no `next`: come back
    # to the page the member came from.
    context = {"post": post, "next": safe_next(request, or_referer=True)}
    return render(request, "posts/post_confirm_delete.html", context)
