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
            // The server counts characters (code points, not UTF-16 units: an emoji is one)
            // of the trimmed text with \n line breaks, as .value gives them.
            const remaining = limit - [...textarea.value.trim()].length;
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

// Post lists are the same for every reader: show the links this reader may use (delete to
// the author and moderators, the language to the author).
// The delete page checks again; this only spares others a link that would say 403.
function showOwnPostActions(root = document) {
    const viewer = document.body.dataset.viewer;
    if (!viewer) return;
    const moderator = "moderator" in document.body.dataset;
    root.querySelectorAll(".post[data-author]").forEach((post) => {
        const mine = post.dataset.author === viewer;
        if (moderator || mine) {
            post.querySelectorAll(".post-delete").forEach((link) => { link.hidden = false; });
        }
        if (mine) {
            post.querySelectorAll(".post-language-edit").forEach((link) => { link.hidden = false; });
        }
    });
}

// Posts in another language than the reader's get a "Translate" button (signed-in members,
// when the site has a translator): the translation comes as a Turbo Stream under the post.
function offerTranslations(root = document) {
    const url = document.body.dataset.translateUrl;
    if (!url || !window.Turbo) return;
    const reader = LANGUAGE.split("-")[0];
    root.querySelectorAll(".post[data-language]").forEach((post) => {
        if (post.dataset.language === reader || post.querySelector(".post-translate")) return;
        const id = post.id.replace("post-", "");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-link btn-sm p-0 post-translate";
        button.textContent = gettext("Translate");
        const place = document.createElement("div");
        place.id = `translation-${id}`;
        place.setAttribute("aria-live", "polite");
        post.querySelector(".post-body").after(button, place);
    });
}

function setUpTranslations() {
    const csrfToken = () => (document.cookie.split("; ").find((item) => item.startsWith("csrftoken=")) || "").slice(10);
    document.addEventListener("click", async (event) => {
        const target = event.target instanceof Element ? event.target : null;
        const post = target && target.closest(".post");
        if (!post) return;
        const translate = target.closest(".post-translate");
        if (target.closest(".post-original")) {
            const place = document.getElementById(`translation-${post.id.replace("post-", "")}`);
            place.replaceChildren();
            place.className = "";
            post.querySelector(".post-translate").hidden = false;
            post.querySelector(".post-translate").focus();
            return;
        }
        if (!translate) return;
        const first = post.querySelector(".post-translate");
        first.hidden = true;
        const place = document.getElementById(`translation-${post.id.replace("post-", "")}`);
        place.replaceChildren(document.createTextNode(gettext("Translating…")));
        place.className = "small text-body-secondary mt-1";
        try {
            const response = await fetch(document.body.dataset.translateUrl.replace("/0/", `/${post.id.replace("post-", "")}/`), {
                method: "POST",
                headers: { Accept: "text/vnd.turbo-stream.html", "X-CSRFToken": csrfToken() },
                credentials: "same-origin",
            });
            if (!(response.headers.get("Content-Type") || "").startsWith("text/vnd.turbo-stream.html")) {
                throw new Error(`${response.status}`); // signed out, or a proxy's error page
            }
            Turbo.renderStreamMessage(await response.text());
        } catch {
            place.textContent = gettext("Could not translate this post. Reload the page and try again.");
            first.hidden = false;
        }
    });
}

// Gravatar needs the internet; without it, show the local placeholder. Each image once.
const AVATARS_READY = new WeakSet();

function setUpAvatarFallback(root = document) {
    const fallback = document.body.dataset.avatarFallback;
    root.querySelectorAll("img.avatar").forEach((img) => {
        if (AVATARS_READY.has(img)) return;
        AVATARS_READY.add(img);
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

// <time data-absolute> elements: a date, or date and time, in the reader's language and zone.
function localizeAbsoluteTimes(root = document) {
    const absolute = {
        date: new Intl.DateTimeFormat(LANGUAGE, { dateStyle: "long" }),
        datetime: new Intl.DateTimeFormat(LANGUAGE, { dateStyle: "long", timeStyle: "short" }),
    };
    root.querySelectorAll("time[data-absolute]").forEach((element) => {
        const format = absolute[element.dataset.absolute] || absolute.date;
        element.textContent = format.format(new Date(element.dateTime));
    });
}

// <time> elements: relative ("3 minutes ago") or absolute, in the reader's language and zone.
// Each is set up once (a page, a pushed fragment); one timer refreshes what the page shows.
function localizeTimes(root = document) {
    const relative = new Intl.RelativeTimeFormat(LANGUAGE, { numeric: "auto" });
    const exact = new Intl.DateTimeFormat(LANGUAGE, { dateStyle: "full", timeStyle: "short" });
    root.querySelectorAll("time[data-relative]").forEach((element) => {
        element.textContent = relativeText(new Date(element.dateTime), relative);
        // Once its tooltip exists, Bootstrap keeps the title: set it before, only.
        if (!element.dataset.localized) element.title = exact.format(new Date(element.dateTime));
    });
    localizeAbsoluteTimes(root);
}

function showTimeTooltips() {
    if (!window.bootstrap) return;
    document.querySelectorAll("time[data-relative]:not([data-localized])").forEach((element) => {
        element.dataset.localized = "true";
        // A tooltip shows the exact time on focus as well as on hover.
        new bootstrap.Tooltip(element, { trigger: "hover focus" });
    });
}

function refreshTimesEvery(seconds) {
    window.setInterval(() => localizeTimes(), seconds * 1000);
}

// Members' cards: hovering (after a pause) or keyboard-focusing a name or avatar marked
// .user-popover-link shows who they are, fetched from its data-popup-url once per page.
// On touch screens a first tap opens the card, a second follows the link. A mouse click
// always follows the link. Listeners sit on the document, so links added later work too.
function setUpUserPopovers() {
    if (!window.bootstrap) return;
    const SHOW_DELAY = 300; // ms: a pointer passing over a name on its way opens nothing
    const HIDE_DELAY = 250; // ms: time to move the pointer from the name into its card
    const LINK = ".user-popover-link[data-popup-url]";
    const CARD = ".user-popover";
    const FOCUSABLE = [
        "a[href]", "button:not([disabled])", "input:not([disabled]):not([type=hidden])",
        "select:not([disabled])", "textarea:not([disabled])", "[tabindex]:not([tabindex='-1'])",
    ].join(", ");
    const cards = new Map(); // URL -> Promise of the card element, cloned for each opening
    let current = null; // the link whose card is open, or loading
    let showTimer = 0;
    let hideTimer = 0;
    let refocusing = false; // focus given back to a link must not open its card again
    let tap = null; // the touch that went down on a link, and whether its card was open

    const linkOf = (node) => (node instanceof Element ? node.closest(LINK) : null);
    const inCard = (node) => node instanceof Element && node.closest(CARD) !== null;
    // Bootstrap points the link's aria-describedby at its card while the card is shown.
    const cardOf = (link) => document.getElementById(link.getAttribute("aria-describedby") || "");
    const within = (node) => {
        if (!current || !(node instanceof Node)) return false;
        const card = cardOf(current);
        return current.contains(node) || (card !== null && card.contains(node));
    };

    const errorCard = () => {
        const message = document.createElement("p");
        message.className = "mb-0 text-body-secondary";
        message.textContent = gettext("Could not load this profile.");
        return message;
    };

    // A card is a Turbo Frame (id "user-card") that Turbo loads from the link's URL once
    // per page, in a hidden holder; each opening shows a copy, inert (no src, no id), whose
    // forms and links act on the whole page (target="_top").
    const load = (url) => {
        if (!cards.has(url)) {
            const card = new Promise((resolve, reject) => {
                const frame = document.createElement("turbo-frame");
                frame.id = "user-card";
                frame.setAttribute("target", "_top");
                frame.hidden = true;
                frame.addEventListener("turbo:frame-load", () => resolve(frame), { once: true });
                frame.addEventListener("turbo:fetch-request-error", () => reject(new Error(url)));
                frame.addEventListener("turbo:frame-missing", (event) => {
                    event.preventDefault(); // an error page: no card in it
                    reject(new Error(`${url}: ${event.detail.response.status}`));
                });
                frame.src = url;
                document.body.append(frame);
            }).then((frame) => {
                frame.remove();
                if (!frame.firstElementChild) throw new Error(`${url}: empty card`);
                frame.removeAttribute("src");
                frame.removeAttribute("id");
                frame.hidden = false;
                return frame;
            });
            card.catch(() => cards.delete(url)); // the next opening tries again
            cards.set(url, card);
        }
        return cards.get(url).then((frame) => frame.cloneNode(true), errorCard);
    };

    const close = () => {
        window.clearTimeout(showTimer);
        window.clearTimeout(hideTimer);
        const link = current;
        current = null;
        if (!link) return;
        const popover = bootstrap.Popover.getInstance(link);
        if (popover) {
            popover.hide(); // synchronous without animation: the card is gone after it
            popover.dispose();
        }
        link.setAttribute("aria-expanded", "false");
    };

    const open = (link) => {
        window.clearTimeout(showTimer);
        window.clearTimeout(hideTimer);
        if (current === link) return;
        close();
        current = link;
        load(link.dataset.popupUrl).then((content) => {
            if (current !== link || !link.isConnected) return; // left while it loaded
            localizeAbsoluteTimes(content);
            setUpAvatarFallback(content);
            const popover = new bootstrap.Popover(link, {
                trigger: "manual",
                html: true,
                content,
                placement: "bottom",
                fallbackPlacements: ["top", "bottom"],
                customClass: "user-popover",
                // Bootstrap's template less its role="tooltip": tooltips hold no controls.
                template: '<div class="popover"><div class="popover-arrow"></div>'
                    + '<h3 class="popover-header"></h3><div class="popover-body"></div></div>',
                // Without a fade, hide() is done when it returns: a quick re-opening never
                // meets a card still on its way out.
                animation: false,
            });
            popover.show();
            link.setAttribute("aria-expanded", "true");
        });
    };

    // Hover: the card stays while the pointer is over the link or the card, or while the
    // keyboard's focus is in them.
    const closeLater = () => {
        window.clearTimeout(hideTimer);
        hideTimer = window.setTimeout(() => {
            const focused = document.activeElement;
            if (!(within(focused) && focused.matches(":focus-visible"))) close();
        }, HIDE_DELAY);
    };

    document.addEventListener("pointerover", (event) => {
        if (event.pointerType === "touch") return;
        const link = linkOf(event.target);
        if (link) {
            if (link.contains(event.relatedTarget)) return;
            if (current === link) {
                window.clearTimeout(hideTimer);
            } else {
                window.clearTimeout(showTimer);
                showTimer = window.setTimeout(() => open(link), SHOW_DELAY);
            }
        } else if (inCard(event.target)) {
            window.clearTimeout(hideTimer);
        }
    });

    document.addEventListener("pointerout", (event) => {
        if (event.pointerType === "touch") return;
        const link = linkOf(event.target);
        const leaving = link
            ? !link.contains(event.relatedTarget)
            : inCard(event.target) && !inCard(event.relatedTarget);
        if (!leaving) return;
        window.clearTimeout(showTimer);
        if (current) closeLater();
    });

    // Keyboard: focus shows the card at once. A mouse click focuses the link too, but it
    // navigates: only visible (keyboard) focus opens the card.
    document.addEventListener("focusin", (event) => {
        const link = linkOf(event.target);
        if (link && current === link) {
            window.clearTimeout(hideTimer);
        } else if (link && !refocusing && link.matches(":focus-visible")) {
            open(link);
        } else if (inCard(event.target)) {
            window.clearTimeout(hideTimer);
        }
    });

    document.addEventListener("focusout", (event) => {
        if (within(event.target) && !within(event.relatedTarget)) close();
    });

    document.addEventListener("keydown", (event) => {
        if (!current) return;
        const link = current;
        const focused = document.activeElement;
        if (event.key === "Escape") {
            const hadFocus = within(focused);
            close();
            if (hadFocus) {
                refocusing = true;
                link.focus();
                refocusing = false;
            }
            return;
        }
        const card = cardOf(link);
        if (event.key !== "Tab" || card === null) return;
        // The card is at the end of the page: Tab goes from the link into the card, and
        // from the card's last control on to what follows the link.
        const inside = [...card.querySelectorAll(FOCUSABLE)];
        if (inside.length === 0) return;
        if (focused === link && !event.shiftKey) {
            event.preventDefault();
            inside[0].focus();
        } else if (card.contains(focused) && event.shiftKey && !inside.slice(1).includes(focused)) {
            event.preventDefault();
            link.focus();
        } else if (card.contains(focused) && !event.shiftKey && focused === inside.at(-1)) {
            event.preventDefault();
            close();
            const order = [...document.querySelectorAll(FOCUSABLE)].filter(
                (element) => element === link || element.getClientRects().length > 0,
            );
            (order[order.indexOf(link) + 1] || link).focus();
        }
    });

    // Touch: there is no hover, so the first tap on a link opens its card instead of
    // following it; a tap on the open card's link (or on the name in the card) follows.
    document.addEventListener("pointerdown", (event) => {
        const link = linkOf(event.target);
        tap = link && event.pointerType === "touch" ? { link, wasOpen: current === link } : null;
        if (current && link !== current && !inCard(event.target)) close(); // a press elsewhere
    });

    document.addEventListener("click", (event) => {
        const link = linkOf(event.target);
        if (!link || tap === null || tap.link !== link) return;
        const { wasOpen } = tap;
        tap = null;
        if (wasOpen) return;
        event.preventDefault();
        open(link);
    });

    // A page kept for the Back button comes back without a card left open on it.
    window.addEventListener("pagehide", close);
    // Turbo Drive keeps this script across visits: cards name the page they were opened on
    // (their follow buttons return there), so each visit fetches its own.
    document.addEventListener("turbo:load", () => {
        close();
        cards.clear();
    });
}

// The navbar's badges: while no live connection is open (a connected Turbo stream source),
// ask the server every few seconds (the tutorial's polling), and when the page comes back
// into view, so that no tab shows a stale count. `pollUnreadCounts.now()` asks at once
// (after a live connection came back).
function pollUnreadCounts() {
    let since = Date.now() / 1000;
    const show = (kind, count) => {
        document.querySelectorAll(`[data-unread="${kind}"]`).forEach((badge) => {
            badge.hidden = count === 0;
            badge.firstChild.textContent = count >= 100 ? "99+" : count.toLocaleString(LANGUAGE);
        });
    };
    const poll = async (force = false) => {
        const url = document.body.dataset.pollUrl;
        if (!url || document.hidden) return;
        if (!force && document.querySelector("turbo-cable-stream-source[connected]")) return;
        try {
            const response = await fetch(`${url}?since=${since}`, {
                headers: { Accept: "application/json" },
                credentials: "same-origin",
            });
            if (!response.ok) return;
            const counts = {};
            for (const item of await response.json()) {
                if (item.name === "unread_message_count") counts.messages = item.data;
                if (item.name === "unread_notification_count") counts.notifications = item.data;
                since = Math.max(since, item.timestamp);
            }
            Object.entries(counts).forEach(([kind, count]) => show(kind, count));
            if (Object.keys(counts).length) {
                show("any", (counts.messages || 0) + (counts.notifications || 0));
            }
        } catch {
            // Offline or the server is restarting: the next round tries again.
        }
    };
    const seconds = Number(document.body.dataset.pollSeconds) || 10;
    window.setInterval(poll, seconds * 1000);
    document.addEventListener("visibilitychange", () => poll());
    // A page the Back button restores from memory shows the counts it had: refresh them.
    window.addEventListener("pageshow", (event) => { if (event.persisted) poll(); });
    pollUnreadCounts.now = () => poll(true);
}

// What a pushed fragment needs before it is shown: it was rendered once for every reader,
// so this reader's language, time zone and rights are added here.
const COUNT_TEXTS = {
    followers: (n) => ngettext("%(count)s follower", "%(count)s followers", n),
    following: (n) => ngettext("%(count)s following", "%(count)s following", n),
    posts: (n) => ngettext("%(count)s post", "%(count)s posts", n),
};

function localizeFragment(root) {
    root.querySelectorAll("[data-count-text]").forEach((element) => {
        const text = COUNT_TEXTS[element.dataset.countText];
        const count = Number(element.dataset.count);
        if (!text || !Number.isFinite(count)) return;
        element.textContent = interpolate(text(count), { count: count.toLocaleString(LANGUAGE) }, true);
    });
    root.querySelectorAll(".post-delete").forEach((link) => { link.textContent = gettext("Delete"); });
    root.querySelectorAll(".post-language-edit").forEach((link) => { link.textContent = gettext("Language"); });
    const languageNames = new Intl.DisplayNames([LANGUAGE], { type: "language", fallback: "none" });
    root.querySelectorAll("[data-language-name]").forEach((element) => {
        const name = languageNames.of(element.dataset.languageName);
        if (name) element.textContent = name;
    });
    localizeTimes(root);
    showOwnPostActions(root);
    offerTranslations(root);
}

// Posts pushed to a live list wait in #incoming-posts behind a "N new posts" button; the
// reader's own posts go straight to the top. A post already listed is not shown twice.
function updateIncomingPosts() {
    const incoming = document.getElementById("incoming-posts");
    const list = document.getElementById("post-list");
    const button = document.getElementById("new-posts-button");
    if (!incoming || !list || !button) return;
    [...incoming.children].reverse().forEach((post) => {
        if (list.querySelector(`#${CSS.escape(post.id)}`)) {
            post.remove();
        } else if (post.dataset.author === document.body.dataset.viewer) {
            list.prepend(post);
        }
    });
    const count = incoming.children.length;
    button.hidden = count === 0;
    const text = list.dataset.more
        ? gettext("Many new posts: show the latest")
        : ngettext("%(count)s new post", "%(count)s new posts", count);
    button.textContent = interpolate(text, { count: count.toLocaleString(LANGUAGE) }, true);
}

function setUpIncomingPosts() {
    const button = document.getElementById("new-posts-button");
    if (!button) return;
    button.addEventListener("click", () => {
        const incoming = document.getElementById("incoming-posts");
        const list = document.getElementById("post-list");
        if (list.dataset.more && window.Turbo) {
            Turbo.visit(window.location.href, { action: "replace" });
            return;
        }
        const posts = [...incoming.children];
        list.prepend(...posts);
        updateIncomingPosts();
        if (posts.length) {
            posts[0].tabIndex = -1;
            posts[0].focus({ preventScroll: true });
            posts[0].scrollIntoView({ block: "nearest" });
        }
    });
    updateIncomingPosts();
}

// A live list asks its data-resync-url what came after the newest item the server gave it
// (data-synced): when its stream connects, again after a lost connection, and for an open
// conversation whenever a message is pushed to it while the reader looks (which reads it).
const ITEM_ID = /^(?:post|message)-(\d+)$/;

async function catchUp(list) {
    if (!window.Turbo || list.dataset.catchingUp) return;
    list.dataset.catchingUp = "true";
    try {
        const url = new URL(list.dataset.resyncUrl, window.location.href);
        url.searchParams.set("after", list.dataset.synced || "0");
        const response = await fetch(url, {
            headers: { Accept: "text/vnd.turbo-stream.html" },
            credentials: "same-origin",
        });
        if (!response.ok) return;
        if (response.headers.get("X-More-Posts") || response.headers.get("X-More-Messages")) {
            list.dataset.more = "true";
        }
        Turbo.renderStreamMessage(await response.text());
        const items = [...list.querySelectorAll("[id]"), ...document.querySelectorAll("#incoming-posts [id]")];
        const ids = items.map((element) => Number((ITEM_ID.exec(element.id) || [])[1] || 0));
        list.dataset.synced = String(Math.max(Number(list.dataset.synced || 0), ...ids));
    } catch {
        // Offline again: the next connection tries again.
    } finally {
        delete list.dataset.catchingUp;
    }
}

function setUpLiveStreams() {
    document.addEventListener("turbo:before-stream-render", (event) => {
        const template = event.target.querySelector("template");
        if (template) localizeFragment(template.content);
        const render = event.detail.render;
        event.detail.render = async (stream) => {
            await render(stream);
            setUpAvatarFallback();
            showTimeTooltips();
            updateIncomingPosts();
            const target = document.getElementById(stream.getAttribute("target") || "");
            if (target && target.matches(".message-list[data-resync-url]") && !document.hidden) {
                catchUp(target);
            }
        };
    });
    document.addEventListener("visibilitychange", () => {
        if (document.hidden) return;
        document.querySelectorAll(".message-list[data-resync-url]").forEach(catchUp);
    });
    // Turbo's stream sources set "connected" when their subscription is confirmed: the
    // page's lists catch up each time, the badges when it is not the first connection.
    const connectedBefore = new WeakSet();
    new MutationObserver((records) => {
        records.forEach(({ target }) => {
            if (!target.hasAttribute("connected")) return;
            if (connectedBefore.has(target) && pollUnreadCounts.now) pollUnreadCounts.now();
            connectedBefore.add(target);
            document.querySelectorAll("[data-resync-url]").forEach(catchUp);
        });
    }).observe(document.documentElement, { subtree: true, attributes: true, attributeFilter: ["connected"] });
}

// A Turbo Frame that changes pages (a list's "Older posts"): set its new content up as a
// page, and bring it into view.
function setUpFrames() {
    document.addEventListener("turbo:frame-load", (event) => {
        const frame = event.target;
        if (!frame.dataset.turboAction) return; // a card's frame (user popovers)
        setUpAvatarFallback(frame);
        showOwnPostActions(frame);
        offerTranslations(frame);
        localizeTimes(frame);
        showTimeTooltips();
        setUpIncomingPosts();
        frame.scrollIntoView({ block: "start" });
    });
}

// The admin, rosetta and the API's pages are not Turbo's: links to them load in full.
function keepOutOfDrive() {
    document.addEventListener("turbo:click", (event) => {
        const { pathname } = new URL(event.detail.url);
        if (/^\/(admin|rosetta|api)\//.test(pathname)) event.preventDefault();
    });
}

// Pages come and go without reloads (Turbo Drive): what a page needs is set up on every
// A member's job in progress (an export...): the worker's updates come live; while no
// live connection is open, the page asks for the job as it is every few seconds, and
// `pollJobs.now()` asks at once (a page just shown may have missed an update).
function pollJobs() {
    const poll = async (force = false) => {
        if (document.hidden) return;
        if (!force && document.querySelector("turbo-cable-stream-source[connected]")) return;
        for (const job of document.querySelectorAll("[data-job-status-url]")) {
            try {
                const response = await fetch(job.dataset.jobStatusUrl, {
                    headers: { Accept: "text/vnd.turbo-stream.html" },
                    credentials: "same-origin",
                });
                if (response.ok) Turbo.renderStreamMessage(await response.text());
            } catch {
                // Offline or the server is restarting: the next round tries again.
            }
        }
    };
    window.setInterval(poll, 3000);
    pollJobs.now = () => poll(true);
}

// turbo:load (the first page's too); what watches the whole document, once.
function setUpPage() {
    setUpCharCounters();
    setUpAvatarFallback();
    showOwnPostActions();
    offerTranslations();
    localizeTimes();
    showTimeTooltips();
    setUpIncomingPosts();
    if (pollJobs.now) pollJobs.now();
    // Visited while already connected (the member's stream lives across visits): what was
    // pushed while this page loaded went to the previous one.
    if (document.querySelector("turbo-cable-stream-source[connected]")) {
        document.querySelectorAll("[data-resync-url]").forEach(catchUp);
    }
}

// Turbo keeps a copy of the page to show when the reader comes back: leave it clean.
function cleanBeforeCache() {
    document.addEventListener("turbo:before-cache", () => {
        document.querySelectorAll("time[data-localized]").forEach((element) => {
            const tooltip = window.bootstrap && bootstrap.Tooltip.getInstance(element);
            if (tooltip) tooltip.dispose();
            delete element.dataset.localized;
        });
        document.querySelectorAll("form[data-submitted]").forEach((form) => {
            delete form.dataset.submitted;
            form.querySelectorAll("button[type=submit]").forEach((button) => { button.disabled = false; });
        });
    });
}

document.addEventListener("turbo:load", setUpPage);

document.addEventListener("DOMContentLoaded", () => {
    rememberTimeZone();
    preventDoubleSubmit();
    setUpUserPopovers();
    pollUnreadCounts();
    pollJobs();
    setUpLiveStreams();
    setUpFrames();
    setUpTranslations();
    keepOutOfDrive();
    cleanBeforeCache();
    refreshTimesEvery(30);
    if (!window.Turbo) setUpPage(); // turbo.js did not load: the page works without it
});
