"""Running a service from a form: its expected refusals become errors on the form."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError

from core.db import is_database_busy
from core.ratelimit import RateLimited


@dataclass
class FormWrite:
    """What a write from a form gave: whether it was done and its result, else the HTTP
    status of the page that shows the form again."""

    done: bool = False
    result: Any = None
    status: int = 200  # of the page that shows the form again


def form_write(
    form, field: str | None, write: Callable[[], Any], *, busy_message: str
) -> FormWrite:
    """Run `write`; invalid input (shown as any form error, 200), a refusal (403), a rate
    limit (429) or a busy database (503) becomes an error of `field` (None: of the form),
    so that the page shows it and keeps what was typed."""
    try:
        return FormWrite(done=True, result=write())
    except ValidationError as error:
        form.add_error(field, error)
        return FormWrite()
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
