// A busy server (503 unavailable / 429 with Retry-After): sync waits until then, keeps the outbox, says so in Chinese.
import { describe, it, expect, afterEach, vi } from 'vitest';
import { createI18n } from 'vue-i18n';
import zhCN from '../src/i18n/zh-CN.json';
import { db } from '../src/db/database.js';
import { enqueueCommand } from '../src/sync/outbox.js';
import { requestSync } from '../src/sync/engine.js';
import { busyWaitSeconds, parseRetryAfter, setSyncClock } from '../src/sync/serverBusy.js';
import { getSyncStatus, serverBusyText, setSyncStatus } from '../src/sync/status.js';
import { uuidv7 } from '../src/lib/uuidv7.js';
import { signedIn, reportArgs } from './helpers.js';

const START = Date.parse('2026-12-06T12:00:00Z'); // 20:00:00 in Asia/Shanghai
const PUSH = '/api/v1/sync/push';
const PULL = '/api/v1/sync/pull';
const { t } = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zhCN } }).global;

/** A clock the test moves by hand; timers due by then run as it passes them. */
function manualClock() {
  const clock = { at: START, timers: new Set() };
  clock.now = () => clock.at;
  clock.setTimer = (fn, ms) => {
    const timer = { due: clock.at + ms, fn };
    clock.timers.add(timer);
    return timer;
  };
  clock.clearTimer = (timer) => clock.timers.delete(timer);
  clock.advance = (ms) => {
    clock.at += ms;
    for (const timer of [...clock.timers].filter((x) => x.due <= clock.at)) {
      clock.timers.delete(timer);
      timer.fn();
    }
  };
  setSyncClock(clock);
  return clock;
}

/** Route fetch through `server`, answering the next `times` calls to `path` busy with `retryAfter`. */
function busyFor(server, path, { times = 1, status = 503, retryAfter = '30' } = {}) {
  const seen = { [PUSH]: 0, [PULL]: 0 };
  let left = times;
  vi.stubGlobal('fetch', async (url, init) => {
    const at = new URL(url, 'http://pwa.test').pathname;
    if (at in seen) seen[at]++;
    if (at === path && left > 0) {
      left--;
      const body = { code: status === 503 ? 'unavailable' : 'too_many_requests', message: '服务器繁忙，请稍后重试' };
      return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', 'Retry-After': retryAfter } });
    }
    return server.fetch(url, init);
  });
  return seen;
}

const queueReport = (user, title) => enqueueCommand(user, { type: 'hazard.report', entityId: uuidv7(), args: reportArgs({ title }) });
const pendingIds = async () => (await db.outbox.where('state').equals('pending').toArray()).map((c) => c.id);
const synced = () => vi.waitFor(() => expect(getSyncStatus()).toMatchObject({ running: false, retryAt: null, lastSyncedAt: expect.any(String) }));

afterEach(() => {
  setSyncClock(null);
  setSyncStatus({ running: false, error: null, offline: false, retryAt: null, lastSyncedAt: null });
});

describe('server busy', () => {
  it('a 503 with Retry-After: 30 holds automatic syncs for 30 s, keeps the outbox, then drains it', async () => {
    const { server, user } = await signedIn();
    const clock = manualClock();
    const seen = busyFor(server, PUSH);
    const first = await queueReport(user, 'A');
    expect(await requestSync()).toBe(false);
    expect(seen[PUSH]).toBe(1);
    expect(getSyncStatus()).toMatchObject({ running: false, error: null, retryAt: '2026-12-06T12:00:30.000Z' });
    expect(serverBusyText(getSyncStatus(), t)).toBe('服务器繁忙，将于 20:00:30 自动重试，未同步的记录已保存在本机');

    clock.advance(10_000);
    const second = await queueReport(user, 'B');
    expect(await requestSync()).toBe(false);
    clock.advance(19_999);
    expect(await requestSync()).toBe(false);
    expect(seen[PUSH]).toBe(1);
    expect(await pendingIds()).toEqual([first.id, second.id]);
    expect(server.entities.size).toBe(0);

    clock.advance(1); // 30 s after the busy answer: the loop resumes by itself
    await synced();
    expect(seen[PUSH]).toBe(2);
    expect(await db.outbox.count()).toBe(0);
    expect([...server.entities.values()].map((e) => e.data.title).sort()).toEqual(['A', 'B']);
    expect(serverBusyText(getSyncStatus(), t)).toBe('');
  });

  it('a 429 on pull with an HTTP-date Retry-After waits until that date, then pulls', async () => {
    const { server, user } = await signedIn();
    const clock = manualClock();
    const seen = busyFor(server, PULL, { status: 429, retryAfter: new Date(START + 45_000).toUTCString() });
    await queueReport(user, 'A');
    expect(await requestSync()).toBe(false);
    expect(getSyncStatus().retryAt).toBe('2026-12-06T12:00:45.000Z');
    clock.advance(44_000);
    expect(await requestSync()).toBe(false);
    expect(seen).toEqual({ [PUSH]: 1, [PULL]: 1 });
    clock.advance(1_000);
    await synced();
    expect(seen[PULL]).toBe(2);
    expect(await db.outbox.count()).toBe(0);
    expect((await db.hazards.toArray()).map((h) => h.title)).toEqual(['A']);
  });

  it('a manual sync during the wait tries once; answered busy again, the new wait holds', async () => {
    const { server, user } = await signedIn();
    const clock = manualClock();
    const seen = busyFor(server, PUSH, { times: 2 });
    const cmd = await queueReport(user, 'A');
    await requestSync();
    clock.advance(5_000);
    expect(await requestSync({ manual: true })).toBe(false);
    expect(seen[PUSH]).toBe(2);
    expect(getSyncStatus().retryAt).toBe('2026-12-06T12:00:35.000Z');
    clock.advance(1_000);
    expect(await requestSync({ manual: true })).toBe(false);
    expect(seen[PUSH]).toBe(2);
    expect(await pendingIds()).toEqual([cmd.id]);
    clock.advance(29_000);
    await synced();
    expect(seen[PUSH]).toBe(3);
    expect(await db.outbox.count()).toBe(0);
  });

  it('a manual sync during the wait goes through when the server has recovered', async () => {
    const { server, user } = await signedIn();
    manualClock();
    const seen = busyFor(server, PUSH);
    await queueReport(user, 'A');
    await requestSync();
    expect(await requestSync({ manual: true })).toBe(true);
    expect(seen[PUSH]).toBe(2);
    expect(getSyncStatus().retryAt).toBeNull();
    expect(await db.outbox.count()).toBe(0);
  });

  it('reads Retry-After as seconds or a date, and bounds the wait', () => {
    expect(parseRetryAfter('30', START)).toBe(30);
    expect(parseRetryAfter(new Date(START + 90_000).toUTCString(), START)).toBe(90);
    expect(parseRetryAfter('soon', START)).toBeNull();
    expect(parseRetryAfter(null, START)).toBeNull();
    expect(busyWaitSeconds({ status: 503, retryAfter: null })).toBe(30);
    expect(busyWaitSeconds({ status: 429, retryAfter: 0 })).toBe(1);
    expect(busyWaitSeconds({ status: 503, retryAfter: 86_400 })).toBe(3600);
    expect(busyWaitSeconds({ status: 500, retryAfter: 30 })).toBeNull();
  });
});
