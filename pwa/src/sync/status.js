// The sync loop's current state for the UI (running, last error, last success), framework-free.
// retryAt: ISO time the server asked sync to wait until (503 unavailable / 429), else null.
const state = { running: false, error: null, offline: false, authRequired: false, retryAt: null, lastSyncedAt: null };
const subscribers = new Set();

/** Current status snapshot. */
export function getSyncStatus() {
  return { ...state };
}

/** Merge a change into the status and tell subscribers. */
export function setSyncStatus(patch) {
  Object.assign(state, patch);
  const snapshot = getSyncStatus();
  for (const fn of subscribers) fn(snapshot);
}

/** Be told of every status change; returns the unsubscribe function. */
export function subscribeSyncStatus(fn) {
  subscribers.add(fn);
  fn(getSyncStatus());
  return () => subscribers.delete(fn);
}

/** "服务器繁忙，将于 20:15:30 自动重试" while the server asked sync to wait, else ''. Time in Asia/Shanghai. */
export function serverBusyText(status, t, locale = 'zh-CN') {
  if (!status?.retryAt) return '';
  const time = new Intl.DateTimeFormat(locale, { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  return t('sync.busy', { time: time.format(new Date(status.retryAt)) });
}

/** One line for the person: pending and rejected counted apart; 已全部同步 only when neither is left. */
export function syncSummary(pending, rejected, t) {
  const parts = [];
  if (pending) parts.push(t('sync.pending', { n: pending }));
  if (rejected) parts.push(t('sync.needsAttention', { n: rejected }));
  return parts.length ? parts.join('，') : t('sync.allSynced');
}
