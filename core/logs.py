"""Log records that say which request or task wrote them, as text or one JSON object a line.

The request (or task) under way is kept in a context variable: each server thread and each
worker runs one at a time, and a context variable also follows code into asyncio tasks and
`sync_to_async` threads. ContextFilter, attached to the handler, copies it onto every
record the handler writes, whichever logger made it (Django's, a library's, ours).
Imported by the LOGGING setting before the apps are ready: nothing here touches Django.
"""

import json
import logging
import time
from contextvars import ContextVar

# ("request_id", id) while a request is served, ("task_id", id) while a task runs.
_current: ContextVar[tuple[str, str] | None] = ContextVar("log_context", default=None)


def current_request_id() -> str | None:
    """The id of the request being served in this context, if any."""
    context = _current.get()
    return context[1] if context and context[0] == "request_id" else None


def bind_request(request_id: str) -> None:
    """Tag what is logged from now on in this context with `request_id`."""
    _current.set(("request_id", request_id))


def bind_task(task_id: str) -> None:
    """Tag what is logged with the task's id, unless it runs inside a request (that id wins)."""
    if current_request_id() is None:
        _current.set(("task_id", task_id))


def unbind(task_id: str | None = None) -> None:
    """Stop tagging: the request is over (or the task `task_id`, if that is what is tagged)."""
    if task_id is None or _current.get() == ("task_id", task_id):
        _current.set(None)


class ContextFilter(logging.Filter):
    """Copy the current request's or task's id onto each record (never drops one)."""

    def filter(self, record):
        """Set `request_id`, `task_id` and, for the text format, `context_id`."""
        key, value = _current.get() or ("", None)
        record.request_id = value if key == "request_id" else None
        record.task_id = value if key == "task_id" else None
        record.context_id = value if key == "request_id" else f"task:{value}" if value else "-"
        return True


class TextFormatter(logging.Formatter):
    """The plain line, "time LEVEL logger [request id]: message", for reading on a terminal."""

    def __init__(self):
        super().__init__("{asctime} {levelname} {name} [{context_id}]: {message}", style="{")

    def format(self, record):
        """Format the record; one that skipped ContextFilter shows "-" for its id."""
        if not hasattr(record, "context_id"):
            record.context_id = "-"
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per record on one line (newlines inside values are escaped)."""

    def format(self, record):
        """The record as JSON: time (UTC), level, logger, message, ids, access fields."""
        created = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        line = {
            "timestamp": f"{created}.{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        if task_id := getattr(record, "task_id", None):
            line["task_id"] = task_id
        line |= getattr(record, "access", {})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str)


class NotUnavailable(logging.Filter):
    """Keep 503 answers (a busy or unreachable database) out of the e-mails to ADMINS: an
    outage would send one per request. They are still logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        """False for a request answered 503."""
        return getattr(record, "status_code", None) != 503


class WithoutTraceback(logging.Filter):
    """Leave the traceback out: a scanner's wrong Host header says all in one line, and the
    traceback of each would bury the operator's logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep the record, without its exception's traceback."""
        record.exc_info = None
        record.exc_text = None
        return True
