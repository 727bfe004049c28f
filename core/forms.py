"""Running a service from a form: its expected refusals become errors on the form."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import OperationalError

from core.db import is_database_busy
from core.ratelimit import RateLimited


@dataclass
class FormWrite:
    """What a write from a form gave: its result, or the HTTP status of its refusal."""

    result: Any = None
    status: int = 200

    @property
    def done(self) -> bool:
        """Whether the write happened."""
        return self.status == 200


def form_write(form, field: str, write: Callable[[], Any], *, busy_message: str) -> FormWrite:
    """Run `write`; a refusal (403), a rate limit (429) or a busy database (503) becomes an
    error of `field`, so that the page shows it and keeps what was typed."""
    try:
        return FormWrite(result=write())
    except PermissionDenied as error:
        form.add_error(field, str(error))
        return FormWrite(status=403)
    except RateLimited as error:
        form.add_error(field, str(error))
        return FormWrite(status=429)
    except OperationalError as error:
        if not is_database_busy(error):
            raise
        form.add_error(field, busy_message)
        return FormWrite(status=503)
