/* Microblog's small enhancements. The site works without them.
   Strings come from Django's JavaScript catalogue (gettext, ngettext, interpolate). */
"use strict";

const LANGUAGE = document.documentElement.lang || "en";

// Remaining-characters counter under the compose box.
function setUpCharCounters() {
    document.querySelectorAll("textarea[data-char-limit]").forEach((textarea) => {
        const counter = document.getElementById(textarea.getAttribute("aria-describedby"));
        if (!counter) return;
        const limit = Number(textarea.dataset.charLimit);
        const update = () => {
            // The server counts trimmed text with \n line breaks, as .value gives them.
            const remaining = limit - textarea.value.trim().length;
            const count = Math.abs(remaining);
            const template = remaining >= 0
                ? ngettext("%(count)s character left", "%(count)s characters left", count)
                : ngettext("%(count)s character too many", "%(count)s characters too many", count);
            counter.textContent = interpolate(template, { count: count.toLocaleString(LANGUAGE) }, true);
            counter.classList.toggle("over-limit", remaining < 0);
        };
        textarea.addEventListener("input", update);
        update();
    });
}

// A double click must not post twice: disable submit buttons once a form is sent.
function preventDoubleSubmit() {
    document.addEventListener("submit", (event) => {
        const form = event.target;
        if (form.dataset.submitted) {
            event.preventDefault();
            return;
        }
        form.dataset.submitted = "true";
        window.setTimeout(() => {
            form.querySelectorAll("button[type=submit]").forEach((button) => { button.disabled = true; });
        }, 0);
    });
    // Coming back with the Back button restores the page as it was: enable the forms again.
    window.addEventListener("pageshow", () => {
        document.querySelectorAll("form[data-submitted]").forEach((form) => {
            delete form.dataset.submitted;
            form.querySelectorAll("button[type=submit]").forEach((button) => { button.disabled = false; });
        });
    });
}

// Post lists are the same for every reader: show the delete links this reader may use.
// The delete page checks again; this only spares others a link that would say 403.
function showOwnPostActions(root = document) {
    const viewer = document.body.dataset.viewer;
    if (!viewer) return;
    const moderator = "moderator" in document.body.dataset;
    root.querySelectorAll(".post[data-author]").forEach((post) => {
        if (moderator || post.dataset.author === viewer) {
            post.querySelectorAll(".post-delete").forEach((link) => { link.hidden = false; });
        }
    });
}

// Gravatar needs the internet; without it, show the local placeholder.
function setUpAvatarFallback() {
    const fallback = document.body.dataset.avatarFallback;
    document.querySelectorAll("img.avatar").forEach((img) => {
        const useFallback = () => { if (img.src !== fallback) img.src = fallback; };
        if (img.complete && img.naturalWidth === 0) useFallback();
        img.addEventListener("error", useFallback);
    });
}

// The server shows times in the zone of the "tz" cookie: keep it equal to the browser's.
function rememberTimeZone() {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const current = document.cookie.split("; ").find((item) => item.startsWith("tz="));
    if (zone && current !== `tz=${zone}`) {
        document.cookie = `tz=${zone}; path=/; max-age=31536000; SameSite=Lax`;
    }
}

const RELATIVE_UNITS = [
    ["year", 365 * 24 * 3600], ["month", 30 * 24 * 3600], ["week", 7 * 24 * 3600],
    ["day", 24 * 3600], ["hour", 3600], ["minute", 60],
];

function relativeText(date, format) {
    const seconds = (date.getTime() - Date.now()) / 1000;
    for (const [unit, size] of RELATIVE_UNITS) {
        if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
    }
    return format.format(0, "second"); // "now"
}

// <time> elements: relative ("3 minutes ago") or absolute, in the reader's language and zone.
function localizeTimes() {
    const relative = new Intl.RelativeTimeFormat(LANGUAGE, { numeric: "auto" });
    const exact = new Intl.DateTimeFormat(LANGUAGE, { dateStyle: "full", timeStyle: "short" });
    const absolute = {
        date: new Intl.DateTimeFormat(LANGUAGE, { dateStyle: "long" }),
        datetime: new Intl.DateTimeFormat(LANGUAGE, { dateStyle: "long", timeStyle: "short" }),
    };
    const refresh = () => {
        document.querySelectorAll("time[data-relative]").forEach((element) => {
            element.textContent = relativeText(new Date(element.dateTime), relative);
        });
    };
    document.querySelectorAll("time[data-relative]").forEach((element) => {
        element.title = exact.format(new Date(element.dateTime));
        // A tooltip shows the exact time on focus as well as on hover.
        if (window.bootstrap) new bootstrap.Tooltip(element, { trigger: "hover focus" });
    });
    document.querySelectorAll("time[data-absolute]").forEach((element) => {
        const format = absolute[element.dataset.absolute] || absolute.date;
        element.textContent = format.format(new Date(element.dateTime));
    });
    refresh();
    window.setInterval(refresh, 30 * 1000);
}

document.addEventListener("DOMContentLoaded", () => {
    rememberTimeZone();
    setUpCharCounters();
    preventDoubleSubmit();
    setUpAvatarFallback();
    showOwnPostActions();
    localizeTimes();
});
