"""Demo notices: a bureau warning notice with a self-check, read by some, and one person's settings."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from sync import tables
from sync.wire import utc_now

from .demo_stories import push_one
from .extensions import db
from .models import User
from .notify.notice_fanout import fan_out_until_done
from .scopes import user_scope

NOTICE = {
    "title": "关于近期冶金企业煤气中毒事故的警示通报",
    "body": "近期外省一钢铁企业发生煤气中毒事故，造成3人死亡。各企业立即开展涉煤气区域隐患自查，"
    "重点检查固定式CO报警器、联锁装置和有限空间作业审批，举一反三。",
    "kind": "accident",
    "target": {"all": True},
}


def seed_notices(users: dict[str, User]) -> int:
    """Send the demo notice as the bureau; two people read it (one acknowledges); one sets quiet hours."""
    now = utc_now()
    notice_id = str(uuid.uuid4())
    due = (now + timedelta(days=10)).date().isoformat()
    push_one(
        users["bureau"], "notice.send", notice_id, now - timedelta(days=2), {**NOTICE, "self_check_due": due}
    )
    fan_out_until_done(db.session, notice_id)
    for username, acknowledge in (("officer-a", True), ("worker-b1", False)):
        notification = _notification_of(users[username], notice_id)
        captured = now - timedelta(days=1)
        push_one(users[username], "notification.read", notification, captured, {})
        if acknowledge:
            push_one(users[username], "notification.acknowledge", notification, captured, {})
    quiet = {
        "push_enabled": True,
        "opt_out": ["digest_daily"],
        "quiet_hours": {"start": "22:00", "end": "07:00"},
    }
    worker = users["worker-a1"]
    push_one(worker, "settings.update", worker.id, now - timedelta(hours=5), quiet)
    return 1


def _notification_of(user: User, notice_id: str) -> str:
    e = tables.entities.c
    rows = db.session.execute(
        select(e.id, e.data).where(e.entity == "notification", e.scope == user_scope(user.id))
    ).all()
    return next(row.id for row in rows if row.data.get("notice_id") == notice_id)
