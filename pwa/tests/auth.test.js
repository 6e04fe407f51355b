// Tokens: refresh on token_expired, one refresh for many concurrent callers, and re-sign-in keeps data.
import { describe, it, expect, vi } from 'vitest';
import { createI18n } from 'vue-i18n';
import zhCN from '../src/i18n/zh-CN.json';
import { db } from '../src/db/database.js';
import { loadSession } from '../src/db/session.js';
import { apiJson, AuthRequiredError } from '../src/sync/api.js';
import { login, loginFailureText, logout } from '../src/sync/auth.js';
import { enqueueCommand } from '../src/sync/outbox.js';
import { syncOnce } from '../src/sync/engine.js';
import { uuidv7 } from '../src/lib/uuidv7.js';
import { signedIn, reportArgs } from './helpers.js';

describe('auth', () => {
  it('keeps the session in IndexedDB so the app opens signed in', async () => {
    await signedIn();
    db.close();
    await db.open();
    expect((await loadSession()).user.username).toBe('worker-a1');
  });

  it('refreshes an expired access token once and stores both new tokens', async () => {
    const { server } = await signedIn();
    const before = await loadSession();
    server.expireAllAccess();
    const page = await apiJson('/api/v1/sync/pull?limit=10');
    expect(page.changes).toEqual([]);
    const after = await loadSession();
    expect(after.access_token).not.toBe(before.access_token);
    expect(after.refresh_token).not.toBe(before.refresh_token);
    expect(server.refresh.get(before.refresh_token).spent).toBe(true);
    expect(server.count('/api/v1/auth/refresh')).toBe(1);
  });

  it('spends the refresh token only once when many requests expire together', async () => {
    const { server } = await signedIn();
    server.expireAllAccess();
    const pages = await Promise.all(Array.from({ length: 6 }, () => apiJson('/api/v1/sync/pull?limit=1')));
    expect(pages).toHaveLength(6);
    expect(server.count('/api/v1/auth/refresh')).toBe(1);
    expect((await loadSession()).reauth_required).toBe(false);
  });

  it('a request that saw the old refresh token after a rotation does not spend the new one', async () => {
    const { server } = await signedIn();
    server.expireAllAccess();
    await apiJson('/api/v1/sync/pull?limit=1');
    server.expireAllAccess();
    await apiJson('/api/v1/sync/pull?limit=1');
    expect(server.count('/api/v1/auth/refresh')).toBe(2);
    expect([...server.refresh.values()].filter((r) => !r.spent)).toHaveLength(1);
  });

  it('asks to sign in again when the refresh token is refused, keeping the outbox and records', async () => {
    const { server, user } = await signedIn();
    const cmd = await enqueueCommand(user, { type: 'hazard.report', entityId: uuidv7(), args: reportArgs() });
    server.expireAllAccess();
    server.refresh.forEach((r) => (r.spent = true));
    await expect(apiJson('/api/v1/sync/pull')).rejects.toBeInstanceOf(AuthRequiredError);
    expect(await syncOnce()).toBe(false);
    expect((await loadSession()).reauth_required).toBe(true);
    expect(await db.outbox.get(cmd.id)).toMatchObject({ state: 'pending' });
    expect(await db.hazards.get(cmd.entity_id)).toBeDefined();
    await login('worker-a1', 'demo1234');
    await syncOnce();
    expect(await db.outbox.where('state').equals('pending').count()).toBe(0);
    expect((await db.hazards.get(cmd.entity_id))._version).toBe(1);
  });

  it('another user signing in on the same phone starts with a fresh local copy but keeps the outbox', async () => {
    const { user } = await signedIn();
    const cmd = await enqueueCommand(user, { type: 'hazard.report', entityId: uuidv7(), args: reportArgs() });
    await logout();
    expect(await loadSession()).toBeNull();
    const officer = await login('officer-a', 'demo1234');
    expect(await db.hazards.count()).toBe(0);
    expect(await db.outbox.get(cmd.id)).toBeDefined();
    expect((await db.clients.get(officer.id)).client_id).not.toBe(cmd.client_id);
  });

  it('a throttled sign-in says in Chinese how many minutes to wait, from retry_after or Retry-After', async () => {
    const { t } = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zhCN } }).global;
    const throttled = (body, headers = {}) =>
      vi.fn(async () => new Response(JSON.stringify({ code: 'too_many_attempts', message: '…', ...body }), { status: 429, headers }));
    vi.stubGlobal('fetch', throttled({ retry_after: 750 }, { 'Retry-After': '750' }));
    const error = await login('worker-a1', 'demo1234').catch((e) => e);
    expect(error).toMatchObject({ status: 429, code: 'too_many_attempts', retryAfter: 750 });
    expect(loginFailureText(error, t)).toBe('尝试次数过多，请 13 分钟后再试');
    vi.stubGlobal('fetch', throttled({}, { 'Retry-After': '30' }));
    expect(loginFailureText(await login('worker-a1', 'x').catch((e) => e), t)).toBe('尝试次数过多，请 1 分钟后再试');
    vi.stubGlobal('fetch', throttled({}));
    expect(loginFailureText(await login('worker-a1', 'x').catch((e) => e), t)).toBe('尝试次数过多，请稍后再试');
    expect(await loadSession()).toBeNull();
  });

  it('signing out tells the server to forget the push subscription of this device and unsubscribes it', async () => {
    const { server } = await signedIn();
    const subscription = {
      endpoint: 'https://push.example/device-1',
      keys: { p256dh: 'BP', auth: 'AA' },
      unsubscribed: false,
      async unsubscribe() { this.unsubscribed = true; return true; },
    };
    const registration = { pushManager: { getSubscription: async () => subscription } };
    vi.stubGlobal('navigator', { serviceWorker: { getRegistration: async () => registration } });
    vi.stubGlobal('PushManager', function PushManager() {});
    vi.stubGlobal('Notification', { permission: 'granted' });
    try {
      await logout();
    } finally {
      vi.unstubAllGlobals();
    }
    expect(server.forgottenEndpoints).toEqual(['https://push.example/device-1']);
    expect(subscription.unsubscribed).toBe(true);
    const calls = server.calls.map((c) => `${c.method} ${c.path}`);
    expect(calls.indexOf('DELETE /api/v1/push/subscriptions')).toBeLessThan(calls.indexOf('POST /api/v1/auth/logout'));
    expect(await loadSession()).toBeNull();
  });
});
