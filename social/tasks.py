"""Background tasks of the social app: thin, they call a service."""

from django.tasks import task

from social.imports import following_import_run


@task
def following_import(*, job_id: int) -> bool:
    """Follow the accounts of an uploaded following list (social.imports)."""
    return following_import_run(job_id=job_id)
