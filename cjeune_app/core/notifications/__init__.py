"""E-mails (SMTP or a local outbox folder) and SMS (Brevo or a local outbox folder), links built on
CJEUNE_PUBLIC_URL."""

from cjeune_app.core.notifications.api import (
    Unsubscribe,
    build_message,
    outbox_dir,
    public_url,
    queue_email,
    queue_notice,
    send_email,
    wait_for_queued_mail,
)
from cjeune_app.core.notifications.sms import SmsSender, queue_sms, send_sms, sms_outbox_dir

__all__ = [
    "SmsSender",
    "Unsubscribe",
    "build_message",
    "outbox_dir",
    "public_url",
    "queue_email",
    "queue_notice",
    "queue_sms",
    "send_email",
    "send_sms",
    "sms_outbox_dir",
    "wait_for_queued_mail",
]
