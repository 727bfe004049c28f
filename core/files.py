"""Files wherever the site keeps them: on this machine's disk, or in object storage (S3 or
compatible, django-storages) that web processes and workers on other machines share.

Code that touches a file goes through its storage (`open`, `save`, `delete`, `url`),
never a local path, and expects the failures a storage can raise (STORAGE_FAILURES).
"""

import logging

from boto3.exceptions import Boto3Error
from botocore.exceptions import BotoCoreError, ClientError
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

logger = logging.getLogger(__name__)

# What a storage that is down, slow or refusing raises: the disk's OSError, botocore's
# errors (connection, timeout, an HTTP error) and boto3's failed transfers.
STORAGE_FAILURES = (OSError, BotoCoreError, ClientError, Boto3Error)
# How long a signed URL to a private file works: enough to follow the redirect.
SIGNED_URL_SECONDS = 60


def file_delete_quietly(storage, name: str) -> bool:
    """Delete `name` from `storage`; a failure is logged (the file stays behind), never
    raised, for clean-ups that must not undo what was done. True if deleted."""
    try:
        storage.delete(name)
    except STORAGE_FAILURES:
        logger.warning("File %s could not be deleted; it stays behind", name, exc_info=True)
        return False
    return True


def private_file_response(file, *, filename: str) -> HttpResponse:
    """A download of `file` (a FieldFile of a private storage) as `filename`, for someone
    the caller has checked: from object storage, a redirect to a signed URL that works for
    SIGNED_URL_SECONDS (the web process carries no bytes); from disk, the file streamed."""
    storage = file.storage
    if getattr(storage, "querystring_auth", False):
        url = storage.url(
            file.name,
            parameters={
                "ResponseContentDisposition": content_disposition_header(True, filename),
                "ResponseCacheControl": "private, no-store",
            },
            expire=SIGNED_URL_SECONDS,
        )
        response = HttpResponseRedirect(url)
    else:
        response = FileResponse(file.open("rb"), as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response
