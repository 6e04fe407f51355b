// When the server answers 503 unavailable or 429 with Retry-After, sync waits until then: automatic
// syncs are held back, one timer resumes them, and a person's "立即同步" may try once per busy spell.

// Busy answers from any sync call (push, pull, blobs, token refresh); others are ordinary errors.
const BUSY_STATUSES = new Set([429, 503]);
// A 503/429 without a readable Retry-After (e.g. from a proxy) still waits this long.
const DEFAULT_WAIT_S = 30;
// A Retry-After beyond this is treated as this, so a broken header cannot stall the outbox for days.
const MAX_WAIT_S = 3600;

const realClock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (handle) => clearTimeout(handle),
};

let clock = realClock;
let notBefore = 0;
let manualSpent = false;
let timer = null;

/** Replace the clock (tests); `null` restores the real one and forgets any wait. */
export function setSyncClock(fake) {
  cancelServerBusyTimer();
  clock = fake ?? realClock;
  notBefore = 0;
  manualSpent = false;
}

/** Read a Retry-After value (delta-seconds or HTTP date) as whole seconds; null when absent or unreadable. */
export function parseRetryAfter(value, nowMs = clock.now()) {
  if (value == null || value === '') return null;
  const text = String(value).trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/** The seconds to wait after `err`, or null when it is not a busy answer. */
export function busyWaitSeconds(err) {
  if (!BUSY_STATUSES.has(err?.status)) return null;
  const seconds = Number.isFinite(err.retryAfter) ? err.retryAfter : DEFAULT_WAIT_S;
  return Math.min(Math.max(seconds, 1), MAX_WAIT_S);
}

/** Start a wait of `seconds`; `resume` runs once when it is over. Returns the ISO time of the retry. */
export function startServerBusyWait(seconds, resume) {
  cancelServerBusyTimer();
  // manualSpent is kept: a manual try answered busy again starts a wait the person cannot skip.
  notBefore = clock.now() + seconds * 1000;
  timer = clock.setTimer(() => {
    // A timer may fire a little early on a real phone: its firing is what ends the wait.
    timer = null;
    notBefore = 0;
    manualSpent = false;
    resume();
  }, seconds * 1000);
  return new Date(notBefore).toISOString();
}

/** The ISO time the current wait ends, or null when sync need not wait. */
export function serverBusyUntil() {
  return clock.now() < notBefore ? new Date(notBefore).toISOString() : null;
}

/** Whether a sync may start now: always after the wait; during it, only the spell's first manual request. */
export function maySyncNow({ manual = false } = {}) {
  if (clock.now() >= notBefore) return true;
  if (!manual || manualSpent) return false;
  manualSpent = true;
  return true;
}

/** The server answered normally: the wait is over. */
export function endServerBusyWait() {
  cancelServerBusyTimer();
  notBefore = 0;
  manualSpent = false;
}

/** Stop the pending resume timer (the app stops syncing). */
export function cancelServerBusyTimer() {
  if (timer !== null) clock.clearTimer(timer);
  timer = null;
}
