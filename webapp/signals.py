"""Signals sent inside a service transaction, so what a receiver writes commits (or rolls back) with it.

Receivers (documents rendered on completion, deadlines, A/V checks) connect in ``create_app``;
the case service does not need to know them.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: sender = the Case; kwargs: workflow, task (SpiffWorkflow task just run), user, records (kind -> latest Record)
task_completed = _signals.signal("task-completed")
#: sender = the Case; kwargs: workflow, user
case_created = _signals.signal("case-created")
#: sender = the Case; kwargs: task_id, user.  Sent after the completion committed: work that must not hold
#: the transaction (rendering PDFs) runs here, from a queue the transaction filled.
task_committed = _signals.signal("task-committed")
