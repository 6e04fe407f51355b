// The rotating training sign-in code `T1.<session_id>.<window>.<mac>`, computed offline on the officer's
// phone: window = floor(unix seconds / 30), mac = first 16 hex of HMAC-SHA256(secret, `<id>.<window>`).
import { db } from '../db/database.js';

export const WINDOW_SECONDS = 30;
const CODE = /^T1\.([0-9a-fA-F-]{36})\.(\d{1,12})\.([0-9a-f]{16})$/;

/** The 30-second window of a moment (ms since the epoch). */
export function windowOf(ms = Date.now()) {
  return Math.floor(ms / 1000 / WINDOW_SECONDS);
}

/** Bytes as unpadded base64url text. */
export function base64urlEncode(bytes) {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Base64url text (padded or not) as bytes. */
export function base64urlDecode(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** A new session secret: 32 random bytes, base64url. */
export function newSecret() {
  return base64urlEncode(crypto.getRandomValues(new Uint8Array(32)));
}

/** First 16 hex of HMAC-SHA256(base64url-decoded secret, `<sessionId>.<window>`). */
export async function macOf(sessionId, secret, window) {
  const key = await crypto.subtle.importKey('raw', base64urlDecode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const sig = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${sessionId}.${window}`));
  return Array.from(new Uint8Array(sig), (b) => b.toString(16).padStart(2, '0')).join('').slice(0, 16);
}

/** The code an officer's phone shows during `window`. */
export async function codeFor(sessionId, secret, window = windowOf()) {
  return `T1.${sessionId}.${window}.${await macOf(sessionId, secret, window)}`;
}

/** {sessionId, window, mac} of a scanned sign-in code, or null when it is not one. */
export function parseTrainingCode(text) {
  const m = CODE.exec(String(text ?? '').trim());
  return m ? { sessionId: m[1].toLowerCase(), window: Number(m[2]), mac: m[3] } : null;
}

const metaKey = (id) => `training_secret:${id}`;

/** Keep a session's secret on this phone (the officer who scheduled it). */
export function keepSecret(sessionId, secret) {
  return db.meta.put({ key: metaKey(sessionId), value: secret });
}

/** A session's secret from this phone: kept locally, the queued schedule command, or the pulled training_key. */
export async function secretOf(sessionId) {
  const kept = await db.meta.get(metaKey(sessionId));
  if (kept?.value) return kept.value;
  const queued = await db.outbox.where('entity_id').equals(sessionId).filter((c) => c.type === 'training.schedule').first();
  if (queued?.args?.qr_secret) return queued.args.qr_secret;
  const key = await db.entities.get(['training_key', sessionId]);
  return key?.data?.secret ?? null;
}
