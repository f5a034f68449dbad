"""When each case's next BPMN timer is due, so that firing timers is an indexed query, not a scan of every case."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from webapp.db import Model
from webapp.models.base import UTCDateTime


class CaseTimer(Model):
    """The earliest pending timer of one case; the row is kept in step with the workflow state by webapp.timers."""

    __tablename__ = "case_timers"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
