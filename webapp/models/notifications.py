"""What has gone out to whom by a notification channel (e-mail), so each notice is sent once (append-only)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.db import Model
from webapp.models.base import UTCDateTime, append_only


class NotificationDelivery(Model):
    __tablename__ = "notification_deliveries"
    __table_args__ = (UniqueConstraint("user_id", "key", "channel"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))  # "<kind>:<task id>" (webapp.cases.notifications.Notice.key)
    channel: Mapped[str] = mapped_column(String(20))
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


append_only(NotificationDelivery)
