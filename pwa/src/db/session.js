// The signed-in session kept in IndexedDB so the app opens signed in with no network.
import { db, getMeta, setMeta } from './database.js';

const KEY = 'session';

/** Return {access_token, refresh_token, user, reauth_required} or null when nobody signed in. */
export function loadSession() {
  return getMeta(KEY, null);
}

/** Store a whole session in one write, so tokens never land half-updated. */
export function saveSession(session) {
  return setMeta(KEY, session);
}

/** Replace both tokens atomically after a refresh (the old refresh token is spent). */
export async function storeRotatedTokens(accessToken, refreshToken) {
  await db.transaction('rw', db.meta, async () => {
    const s = await getMeta(KEY, null);
    if (!s) return;
    await setMeta(KEY, { ...s, access_token: accessToken, refresh_token: refreshToken, reauth_required: false });
  });
}

/** Keep the user and every local record, but ask them to sign in again. */
export async function markReauthRequired() {
  await db.transaction('rw', db.meta, async () => {
    const s = await getMeta(KEY, null);
    if (s) await setMeta(KEY, { ...s, access_token: null, refresh_token: null, reauth_required: true });
  });
}

/** Forget the session (sign out); the outbox and records stay for when this user comes back. */
export function clearSession() {
  return db.meta.delete(KEY);
}
