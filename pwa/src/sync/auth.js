// Sign in, sign out and the per-user data boundary on a shared phone.
import { clearEntityTables, getMeta, setMeta } from '../db/database.js';
import { saveSession, clearSession, loadSession } from '../db/session.js';
import { ApiError, OfflineError, apiFetch, currentLocale, readJson } from './api.js';
import { ensureClient } from './clientIdentity.js';
import { forgetPushOnThisDevice } from '../inbox/webpush.js';

/** Sign in with username/password; keeps outbox and drafts, and starts local data afresh for a new user. */
export async function login(username, password) {
  let res;
  try {
    res = await fetch('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept-Language': currentLocale() },
      body: JSON.stringify({ username, password }),
    });
  } catch (err) {
    throw new OfflineError(err?.message);
  }
  const body = await readJson(res);
  if (!res.ok) {
    const error = new ApiError(res.status, body);
    error.retryAfter = Number(body?.retry_after ?? res.headers?.get?.('Retry-After')) || null;
    throw error;
  }
  const { user } = body;
  // Local copies belong to one user's pull scope; another user on the same phone pulls their own.
  if ((await getMeta('data_owner')) !== user.id) {
    await clearEntityTables();
    await setMeta('data_owner', user.id);
    await setMeta('cursor', null);
  }
  await saveSession({ access_token: body.access_token, refresh_token: body.refresh_token, user, reauth_required: false });
  await ensureClient(user.id);
  return user;
}

/** What to tell the person when signing in failed: throttled ones learn how many minutes to wait. */
export function loginFailureText(err, t) {
  if (err instanceof OfflineError) return t('login.offline');
  if (err?.code === 'too_many_attempts') {
    return err.retryAfter ? t('login.throttled', { minutes: Math.ceil(err.retryAfter / 60) }) : t('login.throttledLater');
  }
  if (err?.code === 'bad_credentials') return t('login.failed');
  return err?.message ?? String(err);
}

/** Sign out on the server (best effort, offline too) and forget the tokens; records and outbox stay. */
export async function logout() {
  const session = await loadSession();
  if (session?.access_token) {
    // This device stops receiving the signed-out person's pushes.
    await forgetPushOnThisDevice();
    try {
      await apiFetch('/api/v1/auth/logout', { method: 'POST' });
    } catch {
      // Offline or already expired: the refresh token is dropped locally either way.
    }
  }
  await clearSession();
}
