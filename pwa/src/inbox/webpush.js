// This device's Web Push subscription: the VAPID public key (fetched online once, kept in IndexedDB meta
// so the settings screen can show it offline), subscribe + register with the server, unsubscribe + forget.
import { apiFetch, apiJson, readJson, ApiError } from '../sync/api.js';
import { getMeta, setMeta } from '../db/database.js';

export const KEY_META = 'push_public_key';
const API = '/api/v1/push';

/** Is Web Push possible in this browser at all? */
export function pushSupported(g = globalThis) {
  return !!(g.navigator?.serviceWorker && g.PushManager && g.Notification);
}

/** base64url text → Uint8Array (the applicationServerKey form). */
export function base64UrlToBytes(text) {
  const b64 = String(text).replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
  const raw = atob(b64);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

/** The VAPID public key: the server's answer when online (and cached), else the cached one, else null. */
export async function publicKey({ refresh = true } = {}) {
  if (refresh) {
    try {
      const res = await fetch(`${API}/public-key`);
      if (res.ok) {
        const { public_key: key } = await res.json();
        if (key) {
          await setMeta(KEY_META, key);
          return key;
        }
      }
    } catch {
      // offline: fall back to the cached key
    }
  }
  return getMeta(KEY_META, null);
}

async function registration(nav = globalThis.navigator) {
  return nav.serviceWorker.ready;
}

/** This device's current PushSubscription, or null. */
export async function currentSubscription() {
  if (!pushSupported()) return null;
  const reg = await registration();
  return (await reg.pushManager.getSubscription()) ?? null;
}

/** The subscription JSON as the server wants it ({endpoint, keys: {p256dh, auth}}). */
export function subscriptionBody(subscription) {
  const json = typeof subscription.toJSON === 'function' ? subscription.toJSON() : subscription;
  return { endpoint: json.endpoint, keys: { p256dh: json.keys?.p256dh, auth: json.keys?.auth } };
}

/**
 * Turn push on for this device: ask permission, subscribe with the VAPID key, register with the server.
 * Resolves {ok: true, endpoint} or {ok: false, reason} (reason: unsupported | denied | no_key | offline | server).
 */
export async function enablePush() {
  if (!pushSupported()) return { ok: false, reason: 'unsupported' };
  const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
  if (permission !== 'granted') return { ok: false, reason: 'denied' };
  const key = await publicKey();
  if (!key) return { ok: false, reason: 'no_key' };
  const reg = await registration();
  let subscription;
  try {
    subscription = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlToBytes(key) });
  } catch (err) {
    return { ok: false, reason: 'subscribe', message: err?.message };
  }
  const body = subscriptionBody(subscription);
  try {
    await apiJson(`${API}/subscriptions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...body, user_agent: globalThis.navigator?.userAgent?.slice(0, 300) }),
    });
  } catch (err) {
    return { ok: false, reason: err instanceof ApiError ? 'server' : 'offline', message: err?.message };
  }
  return { ok: true, endpoint: body.endpoint };
}

/** Turn push off for this device: unsubscribe the browser and tell the server to forget the endpoint. */
export async function disablePush() {
  const subscription = await currentSubscription();
  if (!subscription) return { ok: true };
  const { endpoint } = subscriptionBody(subscription);
  try {
    await subscription.unsubscribe();
  } catch {
    // already gone in the browser; still tell the server
  }
  try {
    const res = await apiFetch(`${API}/subscriptions`, {
      method: 'DELETE',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ endpoint }),
    });
    if (!res.ok && res.status !== 404) throw new ApiError(res.status, await readJson(res));
  } catch (err) {
    return { ok: false, reason: err instanceof ApiError ? 'server' : 'offline', message: err?.message };
  }
  return { ok: true };
}

/**
 * At sign-out: ask the server to forget this device's subscription, then unsubscribe the browser, so the
 * device gets no more pushes. Best effort, never throws; the server also drops the subscriptions this
 * sign-in registered when it ends. Uses getRegistration (not `ready`, which waits for ever without one).
 */
export async function forgetPushOnThisDevice(g = globalThis) {
  if (!pushSupported(g)) return;
  try {
    const reg = await g.navigator.serviceWorker.getRegistration();
    const subscription = await reg?.pushManager?.getSubscription();
    if (!subscription) return;
    const { endpoint } = subscriptionBody(subscription);
    await apiFetch(`${API}/subscriptions`, {
      method: 'DELETE',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ endpoint }),
    }).catch(() => {});
    await subscription.unsubscribe();
  } catch {
    // No service worker, or the browser refuses: pushes to it end when the server forgets the sign-in.
  }
}

/** Is this device's subscription among the ones the server holds for me? null when it cannot be asked. */
export async function serverKnows(endpoint) {
  if (!endpoint) return false;
  try {
    const list = await apiJson(`${API}/subscriptions`);
    return (list ?? []).some((s) => s.endpoint === endpoint);
  } catch {
    return null;
  }
}
