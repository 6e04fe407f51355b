// "My next actions" on the home screen, from the records on the phone (works offline): hazards to assign,
// to rectify and to verify, lockouts awaiting my second-person confirmation, open major hazards by deadline.
// Who may do what is asked of the permission rules (hazard/permissions.js, lockout/permissions.js), never
// decided here.
import { availableActions } from '../hazard/permissions.js';
import { lockoutActions } from '../lockout/permissions.js';
import { daysBetween } from './obligations.js';

const MANAGERS = ['officer', 'principal'];
const OPEN = ['reported', 'assigned', 'rectified'];

/** Days from today to a hazard's deadline (negative: overdue), or null without a deadline. */
export function daysLeft(hazard, today) {
  return hazard?.due_date ? daysBetween(today, hazard.due_date) : null;
}

const soonestFirst = (today) => (a, b) => (daysLeft(a, today) ?? Infinity) - (daysLeft(b, today) ?? Infinity);
const newestFirst = (a, b) => String(b.captured_at ?? '').localeCompare(String(a.captured_at ?? ''));
const may = (action) => (user) => (h) => availableActions(h, user).includes(action);

/** Reported hazards this person may assign (待指派), newest first. */
export function hazardsToAssign(hazards, user) {
  return hazards.filter((h) => h.status === 'reported' && may('assign')(user)(h)).sort(newestFirst);
}

/** Hazards assigned to this person that they may rectify (我的待整改), nearest deadline first. */
export function hazardsAssignedToMe(hazards, user, today) {
  return hazards
    .filter((h) => h.status === 'assigned' && h.assignee_id === user.id && may('rectify')(user)(h))
    .sort(soonestFirst(today));
}

/** Rectified hazards this person may verify (待验收), oldest rectification first. */
export function hazardsToVerifyByMe(hazards, user) {
  return hazards
    .filter(may('verify')(user))
    .sort((a, b) => String(a.rectification?.at ?? '').localeCompare(String(b.rectification?.at ?? '')));
}

/** Lockouts awaiting this person's second-person confirmation (待确认的挂牌上锁). */
export function lockoutsToConfirm(lockouts, user) {
  return lockouts.filter((l) => lockoutActions(l, user).includes('confirm'));
}

/** Open major hazards of this manager's enterprise, most overdue first (those without a deadline last). */
export function openMajorsByDeadline(hazards, user, today) {
  if (!MANAGERS.includes(user.role)) return [];
  return hazards
    .filter((h) => h.severity === 'major' && OPEN.includes(h.status) && (!user.enterprise_id || h.enterprise_id === user.enterprise_id))
    .sort(soonestFirst(today));
}

/**
 * The deadline tag of a next action: {rag, kind: late|today|left|none, n} — red when overdue, due today or a
 * major hazard has no deadline yet, amber within three days, green after; null when there is nothing to say
 * (a lockout, a report not yet assigned, a general hazard without a deadline).
 */
export function deadlineTag(item) {
  const n = item.daysLeft;
  if (item.kind !== 'hazard' || item.record.status === 'reported') return null;
  if (n === null) return item.record.severity === 'major' ? { rag: 'red', kind: 'none', n: null } : null;
  if (n < 0) return { rag: 'red', kind: 'late', n: -n };
  if (n === 0) return { rag: 'red', kind: 'today', n: 0 };
  return { rag: n <= 3 ? 'amber' : 'green', kind: 'left', n };
}

/** Where "view all" of a group goes: the hazard list's filter, or the lockout list. */
const MORE = { assign: '/hazards?filter=todo', rectify: '/hazards?filter=todo', verify: '/hazards?filter=verify', confirm: '/lockouts', major: '/hazards?filter=major' };

/**
 * The person's next actions as groups [{key, count, more, items: [{kind, id, to, record, daysLeft}]}], in the
 * order assign, rectify, verify, confirm, major; only groups with something in them.
 */
export function nextActions({ hazards = [], lockouts = [], user, today }) {
  if (!user) return [];
  const hazardItem = (h) => ({ kind: 'hazard', id: h.id, to: `/hazards/${h.id}`, record: h, daysLeft: daysLeft(h, today) });
  const groups = [
    ['assign', hazardsToAssign(hazards, user).map(hazardItem)],
    ['rectify', hazardsAssignedToMe(hazards, user, today).map(hazardItem)],
    ['verify', hazardsToVerifyByMe(hazards, user).map(hazardItem)],
    ['confirm', lockoutsToConfirm(lockouts, user).map((l) => ({ kind: 'lockout', id: l.id, to: `/lockouts/${l.id}`, record: l, daysLeft: null }))],
    ['major', openMajorsByDeadline(hazards, user, today).map(hazardItem)],
  ];
  return groups.filter(([, items]) => items.length).map(([key, items]) => ({ key, count: items.length, more: MORE[key], items }));
}
