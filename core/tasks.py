"""Background tasks with no domain: retrying later (django.tasks has no retry of its own),
and sending the e-mails the site queued."""

import logging
from datetime import timedelta
from smtplib import SMTPRecipientsRefused

from django.tasks import task
from django.utils import timezone

from core.housekeeping import housekeeping_report, housekeeping_run
from core.mail import MAIL_FAILURES, message_deliver

logger = logging.getLogger(__name__)

# Seconds before each next try; the last one repeats until MAX_ATTEMPTS (about 2 hours).
RETRY_DELAYS = (10, 30, 60, 120, 300)
MAX_ATTEMPTS = 30


def retry_later(task, *, attempt: int, **kwargs) -> bool:
    """Enqueue `task(attempt=attempt + 1, **kwargs)` again after a delay that grows with
    `attempt`. Returns False, what a task that did not do its work returns; logs an error
    when it cannot retry (attempts used up, or a backend that cannot defer)."""
    if attempt + 1 >= MAX_ATTEMPTS or not task.get_backend().supports_defer:
        # Not its arguments: an e-mail's text may hold a password-reset link.
        logger.error("%s failed after %d attempts and will not be retried.", task.name,
                     attempt + 1)  # fmt: skip
        return False
    delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]
    run_after = timezone.now() + timedelta(seconds=delay)
    task.using(run_after=run_after).enqueue(attempt=attempt + 1, **kwargs)
    return False


@task
def mail_send(*, message: dict, attempt: int = 0) -> bool:
    """Send an e-mail the site queued (core.mail), trying again later while the mail
    server fails; an address the server refuses is not tried again."""
    try:
        message_deliver(message)
    except SMTPRecipientsRefused:
        logger.warning("E-mail %r refused for its address.", message["subject"])
        return False
    except MAIL_FAILURES:
        logger.warning("E-mail %r not sent; trying again later.", message["subject"],
                       exc_info=True)  # fmt: skip
        return retry_later(mail_send, attempt=attempt, message=message)
    return True


@task
def housekeeping() -> dict[str, int]:
    """Prune what the site no longer needs (core.housekeeping), and log what was done."""
    counts = housekeeping_run()
    logger.info("Housekeeping: %s.", "; ".join(housekeeping_report(counts)))
    return counts
