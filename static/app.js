/* Microblog's small enhancements. The site works without them. */
"use strict";

// Remaining-characters counter under the compose box.
function setUpCharCounters() {
    document.querySelectorAll("textarea[data-char-limit]").forEach((textarea) => {
        const counter = document.getElementById(textarea.getAttribute("aria-describedby"));
        if (!counter) return;
        const limit = Number(textarea.dataset.charLimit);
        const update = () => {
            // The server counts trimmed text with \n line breaks, as .value gives them.
            const remaining = limit - textarea.value.trim().length;
            counter.textContent = counter.dataset[remaining < 0 ? "over" : "remaining"]
                .replace("%(count)s", Math.abs(remaining).toLocaleString(document.documentElement.lang));
            counter.classList.toggle("over-limit", remaining < 0);
        };
        textarea.addEventListener("input", update);
        if (counter.dataset.remaining) update();
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

// Gravatar needs the internet; without it, show the local placeholder.
function setUpAvatarFallback() {
    const fallback = document.body.dataset.avatarFallback;
    document.querySelectorAll("img.avatar").forEach((img) => {
        const useFallback = () => { if (img.src !== fallback) img.src = fallback; };
        if (img.complete && img.naturalWidth === 0) useFallback();
        img.addEventListener("error", useFallback);
    });
}

document.addEventListener("DOMContentLoaded", () => {
    setUpCharCounters();
    preventDoubleSubmit();
    setUpAvatarFallback();
});
