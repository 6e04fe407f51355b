// Inbox rules for display only: kinds, ordering, unread count, the app badge, and the settings form checks.
// The server decides who gets what; these helpers only sort, count and validate what the phone shows.

import SERVER_KINDS from './kinds.json';

// The kinds come from the server's list (backend/rules/notification_kinds.py, written here by scripts/pwa_kinds.py):
// never copied by hand, so the settings page offers exactly what the server lets a person switch off.
/** Every notification kind; the critical ones ignore opt-out and quiet hours on the server. */
export const KINDS = SERVER_KINDS.map((k) => k.kind);
export const CRITICAL_KINDS = SERVER_KINDS.filter((k) => k.critical).map((k) => k.kind);
/** Kinds a person may opt out of. */
export const OPTIONAL_KINDS = SERVER_KINDS.filter((k) => k.opt_out).map((k) => k.kind);
/** Kinds everyone receives though they are not critical (a bureau notice): held back in quiet hours only. */
export const MANDATORY_KINDS = SERVER_KINDS.filter((k) => !k.opt_out && !k.critical).map((k) => k.kind);

/** The server's own name of a kind (a fallback for a kind newer than this app's texts). */
export function serverKindLabel(kind, locale) {
  const found = SERVER_KINDS.find((k) => k.kind === kind);
  if (!found) return '';
  return locale === 'en' ? found.en : found.zh;
}

export const NOTICE_KINDS = ['warning', 'accident'];

/** True when the notification is critical (its own flag, or a critical kind). */
export function isCritical(n) {
  return !!(n?.critical || CRITICAL_KINDS.includes(n?.kind));
}

/** Notifications newest first (by created_at, then id, both strings that sort in time order). */
export function newestFirst(list) {
  return [...(list ?? [])].sort((a, b) => {
    const ta = a.created_at ?? '';
    const tb = b.created_at ?? '';
    if (ta !== tb) return ta < tb ? 1 : -1;
    return String(a.id) < String(b.id) ? 1 : -1;
  });
}

/** How many of `list` are unread (no read_at, locally or on the server). */
export function unreadCount(list) {
  return (list ?? []).filter((n) => n && !n.read_at).length;
}

/** Show `n` on the app icon where the Badging API exists (setAppBadge / clearAppBadge); never throws. */
export async function updateAppBadge(n, nav = globalThis.navigator) {
  try {
    if (n > 0 && typeof nav?.setAppBadge === 'function') await nav.setAppBadge(n);
    else if (!n && typeof nav?.clearAppBadge === 'function') await nav.clearAppBadge();
    else return false;
    return true;
  } catch {
    return false;
  }
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * Check the quiet-hours part of the settings form: off (null), or start and end as HH:MM, not equal.
 * Spanning midnight (22:00 → 07:00) is allowed. Returns {ok, value, error} with error an i18n key.
 */
export function validateQuietHours({ enabled, start, end }) {
  if (!enabled) return { ok: true, value: null, error: null };
  if (!start || !end) return { ok: false, value: null, error: 'inbox.quiet.required' };
  if (!HHMM.test(start) || !HHMM.test(end)) return { ok: false, value: null, error: 'inbox.quiet.format' };
  if (start === end) return { ok: false, value: null, error: 'inbox.quiet.same' };
  return { ok: true, value: { start, end }, error: null };
}

/** The args of `settings.update` from the form, or {error} (an i18n key) when the form is not valid. */
export function settingsArgs({ push_enabled, opt_out, quiet }) {
  const quietHours = validateQuietHours(quiet ?? {});
  if (!quietHours.ok) return { error: quietHours.error };
  const optOut = [...new Set(opt_out ?? [])].filter((k) => OPTIONAL_KINDS.includes(k)).sort();
  return { args: { push_enabled: !!push_enabled, opt_out: optOut, quiet_hours: quietHours.value } };
}

/** Check the bureau notice form; returns {args} for `notice.send` or {error} (an i18n key). */
export function noticeArgs({ title, body, kind, targetAll, flags, selfCheck, selfCheckDue }, today = null) {
  if (!title?.trim()) return { error: 'inbox.notice.titleRequired' };
  if (!body?.trim()) return { error: 'inbox.notice.bodyRequired' };
  if (!NOTICE_KINDS.includes(kind)) return { error: 'inbox.notice.kindRequired' };
  if (!targetAll && !(flags ?? []).length) return { error: 'inbox.notice.flagsRequired' };
  const args = { title: title.trim(), body: body.trim(), kind, target: targetAll ? { all: true } : { flags: [...flags] } };
  if (selfCheck) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(selfCheckDue ?? '')) return { error: 'inbox.notice.dueRequired' };
    if (today && selfCheckDue < today) return { error: 'inbox.notice.duePast' };
    args.self_check_due = selfCheckDue;
  }
  return { args };
}

/** The enterprises a notice's target takes in, as the server's fan-out does (all, or any flag shared). */
export function noticeReach({ targetAll, flags }, enterprises) {
  if (targetAll) return enterprises;
  const wanted = new Set(flags ?? []);
  return enterprises.filter((e) => (e.flags ?? []).some((f) => wanted.has(f)));
}

/**
 * A notice's receipts from its pulled `notice_receipt` entities (one per enterprise, counted by the server):
 * {total, read, acknowledged, enterprises} where enterprises is [{enterprise_id, recipients, read, acknowledged}].
 */
export function noticeReceipts(receipts) {
  const enterprises = (receipts ?? []).map((r) => ({
    enterprise_id: r.enterprise_id ?? null,
    recipients: r.recipients ?? 0,
    read: r.read ?? 0,
    acknowledged: r.acknowledged ?? 0,
  }));
  const sum = (key) => enterprises.reduce((total, e) => total + e[key], 0);
  return { total: sum('recipients'), read: sum('read'), acknowledged: sum('acknowledged'), enterprises };
}

/** Group pulled `notice_receipt` entities by notice: {notice_id: noticeReceipts(theirs)}. */
export function receiptsByNotice(receipts) {
  const groups = new Map();
  for (const r of receipts ?? []) {
    if (!groups.has(r.notice_id)) groups.set(r.notice_id, []);
    groups.get(r.notice_id).push(r);
  }
  return Object.fromEntries([...groups].map(([id, list]) => [id, noticeReceipts(list)]));
}

/** The URL of one page of an enterprise's recipients of a notice (keyset: `after` is the last page's `next`). */
export function recipientsUrl(noticeId, enterpriseId, after = null, limit = 50) {
  const query = new URLSearchParams({ enterprise_id: enterpriseId, limit: String(limit) });
  if (after) query.set('after', after);
  return `/api/v1/notices/${encodeURIComponent(noticeId)}/recipients?${query}`;
}

/** The in-app route of a notification url ("/#/hazards/x" → "/hazards/x"), or null for an outside link. */
export function routeOf(url) {
  if (!url) return null;
  const text = String(url);
  if (text.startsWith('/#/')) return text.slice(2);
  if (text.startsWith('#/')) return text.slice(1);
  try {
    const parsed = new URL(text, globalThis.location?.origin ?? 'http://localhost');
    if (parsed.origin === (globalThis.location?.origin ?? 'http://localhost') && parsed.hash.startsWith('#/')) return parsed.hash.slice(1);
  } catch {
    return null;
  }
  return text.startsWith('/') ? text : null;
}

/**
 * Where tapping a notification in the inbox goes: straight to the record it is about (a hazard, a lockout…),
 * or to the notification itself when there is nothing else to open or it asks for 确认收到 (a notice).
 */
export function tapRoute(n) {
  const own = `/inbox/${n.id}`;
  if (n.kind === 'notice' || n.notice_id) return own;
  const to = routeOf(n.url);
  return to && to !== '/' && !to.startsWith('/notices/') ? to : own;
}
