"""Signals of the messaging app, for the apps above it (social ends follows on a block)."""

from django.dispatch import Signal

# Sent inside the transaction that saves a new block, with `blocker` and `blocked`.
member_blocked = Signal()
