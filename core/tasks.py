"""Background tasks' shared pieces: retrying later (django.tasks has no retry of its own)."""

import logging
from datetime import timedelta

from django.utils import timezone

logger = logging.getLogger(__name__)

# Seconds before each next try; the last one repeats until MAX_ATTEMPTS (about 2 hours).
RETRY_DELAYS = (10, 30, 60, 120, 300)
MAX_ATTEMPTS = 30


def retry_later(task, *, attempt: int, **kwargs) -> bool:
    """Enqueue `task(attempt=attempt + 1, **kwargs)` again after a delay that grows with
    `attempt`. Returns False, what a task that did not do its work returns; logs an error
    when it cannot retry (attempts used up, or a backend that cannot defer)."""
    if attempt + 1 >= MAX_ATTEMPTS or not task.get_backend().supports_defer:
        logger.error("%s%r failed and will not be retried.", task.name, kwargs)
        return False
    delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]
    run_after = timezone.now() + timedelta(seconds=delay)
    task.using(run_after=run_after).enqueue(attempt=attempt + 1, **kwargs)
    return False
