"""The notice fan-out job: a sent notice reaches its enterprises, then their people, chunk by committed chunk.

`notice.send` only records the notice and a `notice_fanouts` row. This job walks the enterprises by id
(office messages, self-check tasks, receipts), then the people of the enterprises it reached by enterprise
and id, each chunk in batched statements and committed with its cursor: a crash resumes after the last
committed chunk, and the keys (notice, enterprise) and (notice, recipient) make a repeated chunk write
nothing twice. No statement grows with the target, and a county's notice never reads the people of the
rest of the province.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, literal, select, text, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from sync import Change, store
from sync.bulk import insert_new_entities, update_entities
from sync.name_ids import uuid5_text
from sync.wire import format_time, utc_now

from ..models import Enterprise, NoticeEnterprise, NoticeFanout, NoticeRecipient, User
from ..rules.notification_kinds import is_critical
from ..rules.regions import code_range
from ..rules.roles import ENTERPRISE_ROLES
from ..scopes import enterprise_scope
from .batch_deliveries import queue_office_messages, queue_web_pushes
from .inbox import notification_change
from .notice_receipts import add_recipients, receipt_change

NOTICE = "notice"
SELF_CHECK = "self_check"
NOTICE_LABELS = {"warning": "警示信息", "accident": "事故通报"}
# Statements stay far below PostgreSQL's 65,535 parameters whatever chunk a caller asks for.
MAX_CHUNK = 5000
# The people phase finds a page's end among the notice's enterprises, this many looked up at a time.
NEXT_ENTERPRISES = 50


def headline(notice: dict[str, Any]) -> tuple[str, str, list[str]]:
    """Return a notice's inbox title, its link, and the lines its office messages carry."""
    title = f"【{NOTICE_LABELS[notice['kind']]}】{notice['title']}"
    lines = notice["body"].splitlines()
    if notice.get("self_check_due"):
        lines.append(f"请于 {notice['self_check_due']} 前完成举一反三自查。")
    return title, f"/notices/{notice['id']}", lines


def reaches(target: dict[str, Any], flags: list[str] | None) -> bool:
    """Tell whether a notice's target takes in an enterprise of its region with these profile flags
    (named enterprises are picked by id in the query)."""
    if target.get("all") or target.get("enterprise_ids"):
        return True
    return bool(set(target.get("flags") or []) & set(flags or []))


def _in_target(target: dict[str, Any]) -> list:
    """Return the conditions on enterprises a target lies within: its region, and the ids it names."""
    conditions = []
    if target.get("region"):
        low, high = code_range(target["region"])
        conditions.append(Enterprise.region_code.between(low, high))
    if target.get("enterprise_ids"):
        conditions.append(Enterprise.id.in_(target["enterprise_ids"]))
    return conditions


def fan_out_pending(session: Session, chunk: int = 2000, now: datetime | None = None) -> int:
    """Fan out every pending notice, one committed chunk at a time; return how many inboxes it wrote."""
    chunk = max(1, min(chunk, MAX_CHUNK))
    written = 0
    while (wrote := _next_chunk(session, chunk, now or utc_now())) is not None:
        written += wrote
    return written


def fan_out_until_done(session: Session, notice_id: str, seconds: float = 60.0) -> None:
    """Fan out now and return once this notice's fan-out is done, whoever does it (seeding waits on it).

    fan_out_pending skips a notice another worker holds, such as the background job its own push just
    woke: alone, it can return before that notice has reached anyone.
    """
    deadline = time.monotonic() + seconds
    while True:
        fan_out_pending(session)
        done = session.scalar(select(NoticeFanout.done_at).where(NoticeFanout.notice_id == notice_id))
        session.rollback()  # the next look sees what the other worker has committed since
        if done is not None:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"the fan-out of notice {notice_id} did not finish within {seconds:g} s")
        time.sleep(0.05)


def _next_chunk(session: Session, chunk: int, now: datetime) -> int | None:
    """Claim a pending notice, write its next chunk and commit; None when nothing is pending."""
    try:
        store.begin_writes(session)
        fanout = session.scalars(
            select(NoticeFanout)
            .where(NoticeFanout.done_at.is_(None))
            .order_by(NoticeFanout.created_at, NoticeFanout.notice_id)
            .limit(1)
            # Another worker busy with this notice keeps it; we take the next one, or stop.
            .with_for_update(skip_locked=True)
        ).first()
        if fanout is None:
            session.rollback()
            return None
        stored = store.load_entity(session, NOTICE, fanout.notice_id)
        wrote = 0
        if stored is None or stored.deleted:
            fanout.phase, fanout.done_at = "done", now
        elif fanout.phase == "enterprises":
            _enterprise_chunk(session, fanout, stored.data, chunk, now)
        else:
            wrote = _people_chunk(session, fanout, stored.data, chunk, now)
        session.commit()
        return wrote
    except BaseException:
        session.rollback()
        raise


def _enterprise_chunk(
    session: Session, fanout: NoticeFanout, notice: dict, chunk: int, now: datetime
) -> None:
    """Take the next enterprises by id: receipts, self-check tasks and office messages of those targeted."""
    page = session.execute(
        select(Enterprise.id, Enterprise.flags, Enterprise.region_code)
        .where(Enterprise.id > fanout.cursor, *_in_target(fanout.target))
        .order_by(Enterprise.id)
        .limit(chunk)
    ).all()
    if not page:
        fanout.phase, fanout.cursor, fanout.cursor_user = "people", "", ""
        if session.connection().dialect.name == "postgresql":
            # The planner must know this notice's enterprises are many, or it drives the people pages
            # from them (a scan of every targeted person per chunk) instead of from the users' key range.
            session.execute(text(f"ANALYZE {NoticeEnterprise.__tablename__}"))
        return
    targeted = [row.id for row in page if reaches(fanout.target, row.flags)]
    county = {row.id: row.region_code for row in page}
    if targeted:
        rows = [{"notice_id": notice["id"], "enterprise_id": e} for e in targeted]
        session.execute(_insert_new(session, NoticeEnterprise.__table__), rows)
        title, url, lines = headline(notice)
        queue_office_messages(session, targeted, f"notice:{notice['id']}", title, lines, url, now)
        changes = [receipt_change(notice["id"], e, county[e], {}) for e in targeted]
        if notice.get("self_check_due"):
            changes += [self_check_change(notice, e) for e in targeted]
        insert_new_entities(session, changes, now)
    fanout.cursor = page[-1].id
    fanout.enterprises += len(targeted)


def _people_chunk(session: Session, fanout: NoticeFanout, notice: dict, chunk: int, now: datetime) -> int:
    """Take the next `chunk` people by (enterprise, id); write receipt rows, inbox entries and pushes.

    The page is a key range of the users table whose ends are found on its (enterprise_id, id) index among
    the notice's enterprises: the cost of a chunk stays the same however many people the notice reaches or
    has reached, or the province holds beside them; no statement below carries a parameter per person,
    and a chunk touches the receipts of a few enterprises, not of all.
    """
    after = (fanout.cursor, fanout.cursor_user)
    last = _end_of_page(session, notice["id"], after, chunk)
    if last is None:
        _finish(session, fanout, notice, now)
        return 0
    people = (after, last)
    nr = NoticeRecipient.__table__
    page = _recipients(notice["id"], people, literal(notice["id"]), User.id, User.enterprise_id)
    fresh = session.execute(
        _insert_new(session, nr)
        .from_select(["notice_id", "user_id", "enterprise_id"], page)
        .returning(nr.c.user_id, nr.c.enterprise_id)
    ).all()
    # Counts first (they lock receipt rows), inbox entries last (they take the position counter).
    update_entities(
        session, add_recipients(session, notice["id"], Counter(r.enterprise_id for r in fresh)), now
    )
    title, url, _ = headline(notice)
    source = {"entity": NOTICE, "id": notice["id"]}
    critical = is_critical("notice")
    namespace = uuid.UUID(notice["id"])
    inbox = [
        notification_change(
            uuid5_text(namespace, row.user_id),
            row.user_id,
            "notice",
            title,
            notice["body"],
            url,
            critical,
            source,
            notice["id"],
            now,
        )
        for row in fresh
    ]
    topic = f"notice:{notice['id']}"
    in_range = _recipients(notice["id"], people, User.id)
    queue_web_pushes(session, [change.data for change in inbox], topic, now, in_range)
    insert_new_entities(session, inbox, now)
    fanout.cursor, fanout.cursor_user = last
    fanout.recipients += len(fresh)
    return len(fresh)


def _end_of_page(
    session: Session, notice_id: str, after: tuple[str, str], chunk: int
) -> tuple[str, str] | None:
    """Return the key of the chunk-th person after `after` in (enterprise_id, id) order, or the last one,
    counting the people of the notice's enterprises only.

    The rest of the cursor's enterprise, then each next enterprise of the notice (NEXT_ENTERPRISES at a
    time, from its (notice_id, enterprise_id) key): each statement is a short range of an index, and the
    people of enterprises the notice passed over are never read. None when nobody is left.
    """
    enterprise, person = after
    left, last = chunk, None
    count, top = _people_after(session, enterprise, person, left)
    if count:
        left, last = left - count, (enterprise, top)
    while left:
        ne = NoticeEnterprise
        following = session.scalars(
            select(ne.enterprise_id)
            .where(ne.notice_id == notice_id, ne.enterprise_id > enterprise)
            .order_by(ne.enterprise_id)
            .limit(NEXT_ENTERPRISES)
        ).all()
        if not following:
            return last
        for enterprise in following:
            count, top = _people_after(session, enterprise, "", left)
            if count:
                left, last = left - count, (enterprise, top)
            if not left:
                break
    return last


def _people_after(session: Session, enterprise: str, person: str, limit: int) -> tuple[int, str | None]:
    """Count up to `limit` people of one enterprise after `person` by id; return that and the last id."""
    same = (
        select(User.id)
        .where(User.enterprise_id == enterprise, User.id > person)
        .order_by(User.id)
        .limit(limit)
        .subquery()
    )
    return tuple(session.execute(select(func.count(), func.max(same.c.id)).select_from(same)).one())


def _between(people: tuple[tuple[str, str], tuple[str, str]]) -> tuple:
    """The conditions on users whose (enterprise_id, id) lies in (lo, hi]."""
    lo, hi = people
    key = tuple_(User.enterprise_id, User.id)
    return (
        # The leading column's range finds the rows on the index; the row comparisons trim its two ends.
        User.enterprise_id.between(lo[0], hi[0]),
        key > tuple_(*map(literal, lo)),
        key <= tuple_(*map(literal, hi)),
    )


def _recipients(notice_id: str, people: tuple[tuple[str, str], tuple[str, str]], *columns):
    """Select the notice's recipients among users in the key range: active, of its enterprises."""
    ne = NoticeEnterprise
    return (
        select(*columns)
        .select_from(User)
        .join(ne, (ne.enterprise_id == User.enterprise_id) & (ne.notice_id == notice_id))
        # The same enterprise range on the notice's own key: the planner may walk its few enterprises there.
        .where(ne.enterprise_id.between(people[0][0], people[1][0]))
        .where(*_between(people), User.active.is_(True), User.role.in_(ENTERPRISE_ROLES))
    )


def _finish(session: Session, fanout: NoticeFanout, notice: dict, now: datetime) -> None:
    """Mark the fan-out done and say so on the notice (its one rewrite, of a small document)."""
    fanout.phase, fanout.done_at = "done", now
    data = {
        **notice,
        "fanout": {
            "status": "done",
            "enterprises": fanout.enterprises,
            "recipients": fanout.recipients,
            "done_at": format_time(now),
        },
    }
    stored = store.load_entity(session, NOTICE, notice["id"], lock=True)
    store.save_change(session, Change(NOTICE, notice["id"], stored.scope, data), stored, now)


def self_check_change(notice: dict[str, Any], enterprise_id: str) -> Change:
    """Build the self-check task (举一反三) a notice asks of one enterprise."""
    task_id = str(uuid.uuid5(uuid.UUID(notice["id"]), enterprise_id))
    data = {
        "id": task_id,
        "notice_id": notice["id"],
        "enterprise_id": enterprise_id,
        "title": notice["title"],
        "due_on": notice["self_check_due"],
        "status": "open",
        "inspection_id": None,
        "history": list(notice.get("history", [])[:1]),
    }
    return Change(SELF_CHECK, task_id, enterprise_scope(enterprise_id), data)


def _insert_new(session: Session, table):
    """An INSERT that skips rows whose key is taken: a repeated chunk writes nothing twice."""
    dialect = session.connection().dialect.name
    if dialect in ("postgresql", "sqlite"):
        return (postgresql if dialect == "postgresql" else sqlite).insert(table).on_conflict_do_nothing()
    return insert(table)
