"""Pages for writing, reading and deleting posts."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.html import format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from turbo_helper import turbo_stream

from accounts.jobs import JobRefused, JobUnderWay, job_start, jobs_fail_stale, jobs_left_today
from accounts.models import Job
from core.forms import FormWrite, form_write
from core.page_cache import visitor_page
from core.pagination import keyset_page
from core.ratelimit import RateLimited
from core.redirects import redirect_back, safe_next
from core.streams import turbo_stream_response
from core.text import id_from_text
from core.translation import text_translate
from core.translators import TranslationError
from posts.forms import PostForm, PostLanguageForm
from posts.live import INCOMING_POSTS
from posts.selectors import explore_posts, user_posts
from posts.services import can_delete_post, post_create, post_delete, post_language_set
from posts.tasks import export_build
from posts.templatetags.post_cards import post_card
from posts.validators import normalize_post_body, validate_post_language
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
            lambda: post_create(
                author=request.user,
                body=form.cleaned_data["body"],
                language=form.cleaned_data["language"],
            ),
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
    """Everyone's posts, newest first (visitors' first page kept a few seconds)."""

    def page():
        posts = keyset_page(explore_posts(), params=request.GET, per_page=settings.POSTS_PER_PAGE)
        return render(request, "posts/explore.html", {"page": posts})

    return visitor_page(request, name="explore", seconds=settings.EXPLORE_CACHE_SECONDS,
                        render=page)  # fmt: skip


@require_safe
def newer(request):
    """The posts a live list missed, newest first, as a Turbo Stream for its incoming posts.

    app.js asks after its connection came back: `stream` names the list (as its stream
    source does) and `after` its newest post. The header X-More-Posts says there were more
    than a page of them: the reader is then offered the whole page again.
    """
    posts = _stream_posts(user=request.user, stream=request.GET.get("stream", ""))
    after = id_from_text(request.GET.get("after", ""))
    if posts is None or after is None:
        return HttpResponseBadRequest(_("Which posts? Give a stream and the newest post's id."))
    limit = settings.POSTS_PER_PAGE
    missed = list(posts.filter(pk__gt=after)[: limit + 1])
    cards = format_html_join("", "{}", ((post_card(post),) for post in missed[:limit]))
    response = turbo_stream_response(turbo_stream.prepend(INCOMING_POSTS, content=cards))
    if len(missed) > limit:
        response["X-More-Posts"] = "1"
    return response


def _stream_posts(*, user, stream: str):
    """The posts a live list shows, by the name of its stream; None for an unknown one."""
    name, _colon, argument = stream.partition(":")
    if name == "explore" and not argument:
        return explore_posts()
    if name == "home" and not argument and user.is_authenticated:
        return home_timeline(user=user)
    author_id = id_from_text(argument) if name == "profile" else None
    if author_id is not None:
        return user_posts(user=author_id)
    return None


@login_required
@require_POST
def translate(request, post_id: int):
    """The post in the reader's language, as a Turbo Stream that app.js shows under it."""
    post = get_object_or_404(explore_posts(), pk=post_id)
    context, status, headers = {"post": post, "target": get_language()}, 200, {}
    try:
        if not post.language:
            raise TranslationError(_("The language of this post is not known."), status=400)
        context["translation"] = text_translate(
            text=post.body, source=post.language, target=context["target"], member=request.user
        )
    except TranslationError as error:
        context["error"], status = error.message, error.status
    except RateLimited as error:
        context["error"], status = str(error), 429
        headers["Retry-After"] = str(error.retry_after)
    html = render_to_string("posts/_translation.html", context, request=request)
    stream = turbo_stream.replace(f"translation-{post.pk}", html)
    return turbo_stream_response(stream, status=status, headers=headers)


@login_required
@require_POST
def translate_text(request):
    """The tutorial's POST /translate: {"text", "source_language", "dest_language"} in JSON,
    answering {"text"}; errors as {"error"} with their status."""
    try:
        data = json.loads(request.body)
        text = normalize_post_body(data["text"])
        source = validate_post_language(data["source_language"])
        target = validate_post_language(data["dest_language"])
        if not (source and target):
            raise ValidationError(_("Give the source and destination languages."))
        translation = text_translate(text=text, source=source, target=target, member=request.user)
    except (ValueError, KeyError, TypeError, AttributeError):
        return JsonResponse(
            {"error": _("Send JSON with text, source_language and dest_language.")}, status=400
        )
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    except RateLimited as error:
        headers = {"Retry-After": str(error.retry_after)}
        return JsonResponse({"error": str(error)}, status=429, headers=headers)
    except TranslationError as error:
        return JsonResponse({"error": str(error.message)}, status=error.status)
    return JsonResponse({"text": translation.text})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def language_edit(request, post_id: int):
    """The author corrects the language of their post (GET: the form, POST: save it)."""
    post = get_object_or_404(explore_posts(), pk=post_id, author=request.user)
    form = PostLanguageForm(request.POST or None, initial={"language": post.language or ""})
    if form.is_valid():
        post_language_set(post=post, actor=request.user, language=form.cleaned_data["language"])
        messages.success(request, _("The language of your post is saved."))
        return redirect_back(request, "home")
    context = {"post": post, "form": form, "next": safe_next(request, or_referer=True)}
    return render(request, "posts/post_language.html", context)


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


@login_required
@require_safe
def export(request):
    """The "Export your data" page: the latest export, its progress or its download."""
    jobs_fail_stale(owner=request.user)
    job = Job.objects.filter(owner=request.user, kind="export").first()
    context = {"job": job, "keep_days": settings.EXPORT_KEEP_DAYS,
               "may_start": jobs_left_today(owner=request.user, kind="export",
                                            daily_limit=settings.EXPORTS_PER_DAY) > 0}  # fmt: skip
    return render(request, "posts/export.html", context)


@login_required
@require_POST
def export_start(request):
    """Start an export (or show the one under way); back to the page, which follows it."""
    try:
        job_start(owner=request.user, kind="export", task=export_build,
                  daily_limit=settings.EXPORTS_PER_DAY)  # fmt: skip
    except JobUnderWay:
        pass  # a second click: the page shows the export under way
    except JobRefused as error:
        messages.error(request, str(error))
    return redirect("export")
