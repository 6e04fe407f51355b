// Same-origin API calls with the access token, one guarded token refresh on 401 token_expired,
// and errors as values ({status, code, message}) the caller can act on.
import { loadSession, storeRotatedTokens, markReauthRequired } from '../db/session.js';
import { parseRetryAfter } from './serverBusy.js';

export class ApiError extends Error {
  /** `headers` (the Response's) give `retryAfter` in seconds when the server sent Retry-After. */
  constructor(status, body, headers = null) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.code ?? null;
    this.body = body ?? {};
    this.retryAfter = parseRetryAfter(headers?.get?.('Retry-After'));
  }
}

/** Raised when the refresh token no longer works: the person must sign in again (nothing is dropped). */
export class AuthRequiredError extends Error {
  constructor() {
    super('auth_required');
    this.code = 'auth_required';
  }
}

/** Raised when the network is unreachable (offline, DNS, server down). */
export class OfflineError extends Error {}

let refreshInFlight = null;

async function readJson(res) {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

/** The UI language, sent as Accept-Language so server messages match it. */
export function currentLocale() {
  try {
    return globalThis.localStorage?.getItem('locale') || 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

async function rawFetch(path, init) {
  try {
    return await fetch(path, init);
  } catch (err) {
    throw new OfflineError(err?.message || 'network error');
  }
}

async function doRefresh(staleRefreshToken) {
  const run = async () => {
    const session = await loadSession();
    if (!session?.refresh_token) throw new AuthRequiredError();
    // Another tab or request already rotated it: use the new tokens instead of spending them again.
    if (staleRefreshToken && session.refresh_token !== staleRefreshToken) return;
    const res = await rawFetch('/api/v1/auth/refresh', {
      method: 'POST',
      headers: { Authorization: `Bearer ${session.refresh_token}`, 'Accept-Language': currentLocale() },
    });
    if (res.status === 401) {
      await markReauthRequired();
      throw new AuthRequiredError();
    }
    const body = await readJson(res);
    if (!res.ok) throw new ApiError(res.status, body, res.headers);
    await storeRotatedTokens(body.access_token, body.refresh_token);
  };
  const locks = globalThis.navigator?.locks;
  return locks ? locks.request('auth-refresh', run) : run();
}

/** Refresh the tokens once, however many callers ask at the same time. */
export function refreshTokens(staleRefreshToken) {
  if (!refreshInFlight) {
    refreshInFlight = doRefresh(staleRefreshToken).finally(() => {
      refreshInFlight = null;
    });
  }
  return refreshInFlight;
}

/** Fetch `path` with the access token; returns the Response, refreshing once on token_expired. */
export async function apiFetch(path, init = {}, { retried = false } = {}) {
  const session = await loadSession();
  if (!session?.access_token) throw new AuthRequiredError();
  const headers = { 'Accept-Language': currentLocale(), ...(init.headers || {}), Authorization: `Bearer ${session.access_token}` };
  const res = await rawFetch(path, { ...init, headers });
  if (res.status !== 401) return res;
  const body = await readJson(res.clone ? res.clone() : res);
  if (body?.code === 'token_expired' && !retried) {
    await refreshTokens(session.refresh_token);
    return apiFetch(path, init, { retried: true });
  }
  await markReauthRequired();
  throw new AuthRequiredError();
}

/** Fetch and decode JSON; throws ApiError for any non-2xx answer. */
export async function apiJson(path, init = {}) {
  const res = await apiFetch(path, init);
  const body = await readJson(res);
  if (!res.ok) throw new ApiError(res.status, body, res.headers);
  return body;
}

/** POST JSON and decode the answer. */
export function postJson(path, payload) {
  return apiJson(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload) });
}

export { readJson };
