"""Fill the database with a realistic, deterministic demo data set, fast."""

import random
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from messaging.models import Message
from messaging.services.messages import messages_bulk_create
from posts.models import Post
from posts.services import posts_bulk_create
from social.models import Follow
from social.services import follow_counts_refresh

FIRST_NAMES = (
    "ana bruno carla diego elena fabio gloria hugo ines jorge karla luis marta nico olga pablo "
    "quinn rosa sergio teresa ulises vera walter ximena yara zoe amir bea chen dara emeka farah "
    "goran hana ivan jin kofi lena mateo noor omar priya rafael sofia tomas uma viktor wen"
).split()
SUBJECTS = (
    "my coffee", "the city", "this book", "our team", "the weather", "my garden", "the new album",
    "the train", "my cat", "the museum", "this recipe", "the match", "my bike", "the sunset",
)  # fmt: skip
OPINIONS = (
    "is wonderful today", "made my morning", "deserves more attention", "surprised me",
    "is better than expected", "needs a second look", "was a lot of fun", "changed my mind",
    "is the best thing this week", "could use some work", "kept me up all night",
)  # fmt: skip
POST_BATCH = 5000
TAILS = (
    "", "", "", " What do you think?", " Highly recommended.", " Never again!",
    " More soon.", " See https://example.com/notes for details.", "\nThanks for reading.",
)  # fmt: skip
GREETINGS = ("", "", "", "", "Hi!", "Hey!", "Thanks!", "Ha!", "Good morning!", "Sorry, late reply.")
MESSAGE_LINES = (
    "have you seen {subject}?", "what do you think of {subject}?", "{subject} {opinion}.",
    "I told you {subject} {opinion}!", "can you send me the link about {subject}?",
    "are we still on for {day}?", "see you {day} then.", "not yet, maybe {day}.",
    "let's talk about {subject} {day}.", "did you hear? {Subject} {opinion}.",
)  # fmt: skip
DAYS = ("tonight", "tomorrow", "on Friday", "this weekend", "next week", "after lunch")
SIGN_OFFS = ("", "", "", " :)", " Talk soon.", " Cheers!", " Call me?", "\nxx")
# Messages are saved in batches of this many (bounded memory, few inbox updates).
MESSAGE_BATCH = 20_000


def fake_post_body(rng: random.Random) -> str:
    """A short, plausible post body."""
    sentences = [
        f"{rng.choice(SUBJECTS).capitalize()} {rng.choice(OPINIONS)}."
        for _ in range(rng.randint(1, 2))
    ]
    return " ".join(sentences) + rng.choice(TAILS)


def fake_message_body(rng: random.Random) -> str:
    """A short, plausible private message (within the length a message may have)."""
    lines = []
    for template in rng.sample(MESSAGE_LINES, rng.randint(1, 2)):
        subject = rng.choice(SUBJECTS)
        line = template.format(
            subject=subject,
            Subject=subject.capitalize(),
            opinion=rng.choice(OPINIONS),
            day=rng.choice(DAYS),
        )
        lines.append(line[0].upper() + line[1:])
    body = f"{rng.choice(GREETINGS)} {' '.join(lines)}{rng.choice(SIGN_OFFS)}".strip()
    # Two long lines may not fit: the first alone always does.
    return body if len(body) <= settings.MESSAGE_MAX_LENGTH else lines[0]


class Command(BaseCommand):
    """manage.py seed --users N --posts N --follows N [--messages N] [--seed S]"""

    help = "Add demo users, posts, follows and messages (deterministic for a given --seed)."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=50, help="users to create")
        parser.add_argument("--posts", type=int, default=1000, help="posts to create in all")
        parser.add_argument(
            "--follows", type=int, default=10, help="accounts each new user follows"
        )
        parser.add_argument(
            "--shape",
            choices=("uniform", "skewed"),
            default="uniform",
            help="who follows whom: anyone alike (uniform), or mostly the most prolific "
            "authors, so that a few members have most followers (skewed)",
        )
        parser.add_argument(
            "--messages",
            type=int,
            default=0,
            help="private messages to create in all: most members write to a handful of "
            "others, a few to many, and the first two members have a long conversation "
            "(one message in a hundred)",
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed")
        parser.add_argument(
            "--password", default="microblog-demo", help="password of every demo user"
        )

    def handle(self, *args, users, posts, follows, messages, shape, seed, password, **options):
        if min(users, posts, follows, messages) < 0:
            raise CommandError("--users, --posts, --follows and --messages cannot be negative.")
        rng = random.Random(seed)
        now = timezone.now()
        with transaction.atomic():
            new_users = self.create_users(rng, users, password, now)
            # The first authors write the most (and, skewed, are the most followed); they
            # also have the most correspondents, the first two a long conversation.
            authors = new_users or list(User.objects.filter(is_active=True).order_by("pk"))
            if posts and not authors:
                raise CommandError("There are no users to write the posts: pass --users.")
            if messages and len(authors) < 2:
                raise CommandError(
                    "There are not two users to exchange the messages: pass --users."
                )
            post_count = self.create_posts(rng, authors, posts, now) if authors else 0
            follow_count = self.create_follows(
                rng, new_users, follows, popular=authors, shape=shape
            )
            long_pair = self.create_messages(rng, authors, messages, now) if messages else None
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {len(new_users)} users, {post_count} posts, "
                    f"{follow_count} follows and {messages} messages."
                )
            )
            if long_pair:
                first, second, length = long_pair
                self.stdout.write(
                    f"Long conversation: {first.username} and {second.username}, {length} messages."
                )
            if new_users:
                self.stdout.write(f"Every demo user's password is {password!r}.")

    def create_users(self, rng, count, password, now) -> list[User]:
        """Create `count` users named like ana_17, with verified e-mail addresses."""
        password_hash = make_password(password)  # one slow hash shared, not one per user
        taken = {name.lower() for name in User.objects.values_list("username", flat=True)}
        start = User.objects.count() + 1
        users, number = [], start
        while len(users) < count:
            username = f"{rng.choice(FIRST_NAMES)}_{number}"
            number += 1
            if username in taken:
                continue
            users.append(
                User(
                    username=username,
                    email=f"{username}@example.com",
                    password=password_hash,
                    about_me=f"Hi, I am {username.split('_')[0].capitalize()}.",
                    date_joined=now - timedelta(days=rng.randint(90, 900)),
                )
            )
        User.objects.bulk_create(users, batch_size=2000)
        users = list(
            User.objects.filter(username__in=[user.username for user in users]).order_by("pk")
        )
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
            batch_size=2000,
        )
        return users

    def create_posts(self, rng, authors, count, now) -> int:
        """Create `count` posts over the last 90 days; a few authors write most of them."""
        weights = [1 / rank for rank in range(1, len(authors) + 1)]
        chosen = rng.choices(authors, weights=weights, k=count)
        offsets = sorted((rng.randint(0, 90 * 24 * 3600) for _ in range(count)), reverse=True)
        for start in range(0, count, POST_BATCH):  # in batches: a million posts fit in memory
            batch = (
                Post(
                    author=author,
                    body=fake_post_body(rng),
                    created=now
                    - timedelta(seconds=seconds_ago, microseconds=rng.randint(0, 999_999)),
                )
                for author, seconds_ago in zip(
                    chosen[start : start + POST_BATCH],
                    offsets[start : start + POST_BATCH],
                    strict=True,
                )
            )
            posts_bulk_create(posts=batch)
        return count

    def create_follows(self, rng, new_users, per_user, *, popular, shape) -> int:
        """Make each new user follow `per_user` other users (never themselves).

        Skewed: the chance to be followed falls with the rank among `popular` (the authors,
        the most prolific first), as it does for posting.
        """
        everyone = list(User.objects.order_by("pk").values_list("pk", flat=True))
        if shape == "skewed":
            everyone = [user.pk for user in popular]
            weights = [1 / rank for rank in range(1, len(everyone) + 1)]
        follows = []
        for user in new_users:
            wanted = min(len(everyone) - 1, per_user)
            if shape == "skewed":
                targets = set()
                while len(targets) < wanted:
                    targets.update(rng.choices(everyone, weights=weights, k=wanted - len(targets)))
                    targets.discard(user.pk)
            else:
                candidates = rng.sample(everyone, min(len(everyone), per_user + 1))
                targets = [pk for pk in candidates if pk != user.pk][:per_user]
            follows += [Follow(follower_id=user.pk, followed_id=pk) for pk in sorted(targets)]
        Follow.objects.bulk_create(follows, batch_size=5000, ignore_conflicts=True)
        follow_counts_refresh(
            user_ids={pk for f in follows for pk in (f.follower_id, f.followed_id)}
        )
        return len(follows)

    def create_messages(self, rng, members, count, now) -> tuple[User, User, int]:
        """Create `count` messages over the last 90 days; the long conversation's pair and size.

        Each member picks a handful of correspondents, the first members (the most prolific
        authors) more often than the rest, so that a few members write with many; some
        conversations are much longer than others. The first two members exchange one
        message in a hundred, and at least two pages of them. Messages to a member from
        before their last visit (a few days ago, weeks for some) are read, newer ones not.
        """
        ids = [member.pk for member in members]
        long_pair = (ids[0], ids[1])
        pairs = self.correspondents(rng, ids)
        pairs.discard(long_pair)  # it gets the length asked for, no more
        pairs = sorted(pairs)  # not in hash order: the same seed gives the same messages
        long = min(count, max(count // 100, 2 * settings.MESSAGES_PER_PAGE)) if pairs else count
        chosen = [long_pair] * long
        if pairs:
            # Heavy-tailed lengths, capped: some long conversations, none taking over.
            lengths = [min(rng.paretovariate(1.5), 50) for _ in pairs]
            chosen += rng.choices(pairs, weights=lengths, k=count - long)
        rng.shuffle(chosen)  # the long conversation spans the whole period too
        last_visit = {
            pk: now
            - timedelta(days=min(90.0, rng.expovariate(1 / 3)), seconds=rng.randint(0, 3600))
            for pk in ids
        }
        offsets = sorted((rng.randint(0, 90 * 24 * 3600) for _ in range(count)), reverse=True)
        # Oldest first, in batches: each batch moves the inbox lines on to its own latest.
        for start in range(0, count, MESSAGE_BATCH):
            batch = []
            for pair, seconds_ago in zip(
                chosen[start : start + MESSAGE_BATCH],
                offsets[start : start + MESSAGE_BATCH],
                strict=True,
            ):
                sender, recipient = pair if rng.random() < 0.5 else pair[::-1]
                created = now - timedelta(seconds=seconds_ago, microseconds=rng.randint(0, 999_999))
                seen = last_visit[recipient]
                read = None
                if created <= seen:
                    read = min(created + timedelta(seconds=rng.randint(30, 12 * 3600)), seen)
                batch.append(
                    Message(
                        sender_id=sender,
                        recipient_id=recipient,
                        body=fake_message_body(rng),
                        created=created,
                        read=read,
                    )
                )
            messages_bulk_create(messages=batch, batch_size=5000)
        return members[0], members[1], long

    def correspondents(self, rng, ids) -> set[tuple[int, int]]:
        """Who writes with whom, as (lower id, higher id) pairs.

        Everyone picks one to six correspondents, a member's chance to be picked falling
        with their rank in `ids`: most members end up with a handful, the first with many.
        """
        weights = [1 / rank for rank in range(1, len(ids) + 1)]
        pairs = set()
        for pk in ids:
            for other in rng.choices(ids, weights=weights, k=rng.randint(1, 6)):
                if other != pk:
                    pairs.add((min(pk, other), max(pk, other)))
        return pairs
