"""The one table of the shared code: broadcasts carried between processes without Redis."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Broadcast(models.Model):
    """A group message written by one process and delivered by every web process.

    core.channel_layers.DatabaseChannelLayer writes one row per group_send (not one per
    recipient) and each web process reads the new rows; they are kept for a minute.
    """

    group = models.CharField(_("group"), max_length=100)
    message = models.JSONField(_("message"))
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("broadcast")
        verbose_name_plural = _("broadcasts")

    def __str__(self):
        return f"{self.group} #{self.pk}"
