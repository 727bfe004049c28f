"""Signals of the accounts app, for the apps above it."""

from django.dispatch import Signal

# Sent by the task worker with `user`, a deactivated member whose account is about to be
# deleted: each app removes what the member left in it (in batches, its counts put right),
# before the account itself goes with whatever remains.
member_leaving = Signal()

# Sent with `job` when a member's job is done or failed (accounts.jobs): the messaging app
# tells the member.
job_ended = Signal()
