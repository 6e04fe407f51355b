// The sync loop: one run at a time (push, then pull), triggered on start, online, becoming visible,
// after each queued command and every 60 s while visible; a busy server's Retry-After holds it back.
import { getMeta, setMeta } from '../db/database.js';
import { loadSession } from '../db/session.js';
import { nowIso } from '../lib/uuidv7.js';
import { AuthRequiredError, OfflineError } from './api.js';
import { ensureClient } from './clientIdentity.js';
import { onCommandQueued } from './outbox.js';
import { pullChanges } from './pull.js';
import { pushOutbox } from './push.js';
import { busyWaitSeconds, cancelServerBusyTimer, endServerBusyWait, maySyncNow, serverBusyUntil, startServerBusyWait } from './serverBusy.js';
import { setSyncStatus } from './status.js';

export const SYNC_INTERVAL_MS = 60_000;
let running = null;
let again = false;

/** Push then pull once for the signed-in user. */
export async function syncOnce() {
  const session = await loadSession();
  if (!session?.user || !session.access_token) {
    setSyncStatus({ running: false, authRequired: !!session?.reauth_required });
    return false;
  }
  setSyncStatus({ running: true });
  try {
    const user = session.user;
    await pushOutbox(user);
    const client = await ensureClient(user.id);
    await pullChanges(user, client.client_id);
    const at = nowIso();
    await setMeta('last_synced_at', at);
    endServerBusyWait();
    setSyncStatus({ running: false, error: null, offline: false, authRequired: false, retryAt: null, lastSyncedAt: at });
    return true;
  } catch (err) {
    const wait = busyWaitSeconds(err);
    if (wait !== null) {
      // Busy: nothing was written; the outbox stays pending and is sent again when the wait is over.
      setSyncStatus({ running: false, error: null, offline: false, retryAt: startServerBusyWait(wait, requestSync) });
      return false;
    }
    // A manual try during a wait that failed otherwise leaves the wait in force.
    const retryAt = serverBusyUntil();
    if (err instanceof OfflineError) setSyncStatus({ running: false, offline: true, retryAt });
    else if (err instanceof AuthRequiredError) setSyncStatus({ running: false, authRequired: true, retryAt });
    else setSyncStatus({ running: false, error: err?.message || String(err), offline: false, retryAt });
    return false;
  }
}

/**
 * Ask for a sync; concurrent requests share the running one and cause one more pass after it.
 * While the server asked to wait, automatic requests do nothing. `manual` (the person's "立即同步") may
 * try once per busy spell: one request adds no real load and shows at once whether the trouble is over;
 * if it is answered busy again, the new wait holds until its end so repeated taps cannot hammer.
 */
export function requestSync({ manual = false } = {}) {
  if (running) {
    again = true;
    return running;
  }
  if (!maySyncNow({ manual })) return Promise.resolve(false);
  running = (async () => {
    let ok;
    do {
      again = false;
      ok = await syncOnce();
    } while (again && maySyncNow());
    return ok;
  })().finally(() => {
    running = null;
  });
  return running;
}

/** Wire the triggers once at app start; returns a function that removes them. */
export function startAutoSync() {
  getMeta('last_synced_at').then((at) => setSyncStatus({ lastSyncedAt: at, offline: !navigator.onLine }));
  const onOnline = () => requestSync();
  const onOffline = () => setSyncStatus({ offline: true });
  const onVisible = () => document.visibilityState === 'visible' && requestSync();
  const timer = setInterval(() => document.visibilityState === 'visible' && requestSync(), SYNC_INTERVAL_MS);
  const offQueued = onCommandQueued(() => requestSync());
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  document.addEventListener('visibilitychange', onVisible);
  navigator.storage?.persist?.().catch(() => {});
  requestSync();
  return () => {
    clearInterval(timer);
    cancelServerBusyTimer();
    offQueued();
    window.removeEventListener('online', onOnline);
    window.removeEventListener('offline', onOffline);
    document.removeEventListener('visibilitychange', onVisible);
  };
}
