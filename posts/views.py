"""Pages for writing, reading and deleting posts."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from microblog.pagination import keyset_page
from microblog.redirects import redirect_back, safe_next
from posts.forms import PostForm
from posts.models import Post
from posts.selectors import explore_posts
from posts.services import can_delete_post, post_create, post_delete
from social.selectors import home_timeline


@login_required
@require_http_methods(["GET", "POST"])
def home(request):
    """The compose form and the home timeline."""
    form = PostForm(request.POST or None)
    if form.is_valid():
        post_create(author=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("Your post is now live!"))
        return redirect("home")
    page = keyset_page(
        home_timeline(user=request.user), params=request.GET, per_page=settings.POSTS_PER_PAGE
    )
    return render(request, "posts/home.html", {"form": form, "page": page})


@require_http_methods(["GET"])
def explore(request):
    """Everyone's posts, newest first."""
    page = keyset_page(explore_posts(), params=request.GET, per_page=settings.POSTS_PER_PAGE)
    return render(request, "posts/explore.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, post_id: int):
    """Ask for confirmation (GET), then delete the post (POST)."""
    post = get_object_or_404(Post.objects.select_related("author"), pk=post_id)
    if not can_delete_post(post=post, actor=request.user):
        raise PermissionDenied
    if request.method == "POST":
        post_delete(post=post, actor=request.user)
        messages.success(request, _("The post was deleted."))
        return redirect_back(request, "home")
    context = {"post": post, "next": safe_next(request)}
    return render(request, "posts/post_confirm_delete.html", context)
