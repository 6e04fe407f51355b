// The sync loop's current state for the UI (running, last error, last success), framework-free.
const state = { running: false, error: null, offline: false, authRequired: false, lastSyncedAt: null };
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
