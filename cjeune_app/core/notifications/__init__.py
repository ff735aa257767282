"""E-mails (SMS later): SMTP or a local outbox folder, links built on CJEUNE_PUBLIC_URL."""

from cjeune_app.core.notifications.api import (
    build_message,
    outbox_dir,
    public_url,
    queue_email,
    queue_notice,
    send_email,
    wait_for_queued_mail,
)

__all__ = [
    "build_message",
    "outbox_dir",
    "public_url",
    "queue_email",
    "queue_notice",
    "send_email",
    "wait_for_queued_mail",
]
