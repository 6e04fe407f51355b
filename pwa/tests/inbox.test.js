// Inbox: read/acknowledge and settings.update show at once offline; unread count; settings and notice form checks.
import { describe, it, expect } from 'vitest';
import { db } from '../src/db/database.js';
import { enqueueCommand, markRejected } from '../src/sync/outbox.js';
import { recordView, recordViews } from '../src/sync/overlay.js';
import { entityOfCommand } from '../src/sync/effects.js';
import {
  OPTIONAL_KINDS, isCritical, newestFirst, noticeArgs, noticeReceipts, receiptsByNotice, recipientsUrl, routeOf, settingsArgs, unreadCount, updateAppBadge, validateQuietHours,
} from '../src/inbox/logic.js';
import { base64UrlToBytes, subscriptionBody } from '../src/inbox/webpush.js';

const me = { id: 'u1', enterprise_id: 'e1', role: 'worker' };
const queue = (type, entityId, args = {}) => enqueueCommand(me, { type, entityId, args });
const note = (id, extra = {}) => ({
  id, user_id: 'u1', kind: 'hazard_deadline', title: `t${id}`, body: 'b', url: '/#/hazards/h1', critical: false, source: null,
  notice_id: null, created_at: '2026-11-29T01:00:00.000Z', read_at: null, acknowledged_at: null, ...extra,
});
const store = (entity, data, version = 1) => db.entities.put({ entity, id: data.id, version, data });

describe('inbox effects', () => {
  it('maps the commands to their entities', () => {
    expect(entityOfCommand('notification.read')).toBe('notification');
    expect(entityOfCommand('notification.acknowledge')).toBe('notification');
    expect(entityOfCommand('settings.update')).toBe('notification_settings');
    expect(entityOfCommand('notice.send')).toBe('notice');
  });

  it('marks read offline, and a rejection undoes it', async () => {
    await store('notification', note('n1'));
    const cmd = await queue('notification.read', 'n1');
    const view = await recordView('notification', 'n1');
    expect(view.read_at).toBe(cmd.captured_at);
    expect(view._unsent).toBe(1);
    await markRejected(cmd, { code: 'forbidden' });
    expect((await recordView('notification', 'n1')).read_at).toBeNull();
  });

  it('keeps the first read time; acknowledging reads too', async () => {
    await store('notification', note('n2', { read_at: '2026-11-29T02:00:00.000Z' }));
    await store('notification', note('n3', { kind: 'notice', notice_id: 'x' }));
    await queue('notification.read', 'n2');
    expect((await recordView('notification', 'n2')).read_at).toBe('2026-11-29T02:00:00.000Z');
    const ack = await queue('notification.acknowledge', 'n3');
    expect(await recordView('notification', 'n3')).toMatchObject({ read_at: ack.captured_at, acknowledged_at: ack.captured_at });
  });

  it('does not invent a notification that was never pulled', async () => {
    await queue('notification.read', 'missing');
    expect(await recordView('notification', 'missing')).toBeNull();
  });

  it('updates settings offline, creating them when none were pulled', async () => {
    await queue('settings.update', 'u1', { push_enabled: true, opt_out: ['digest_daily'], quiet_hours: { start: '22:00', end: '07:00' } });
    expect(await recordView('notification_settings', 'u1')).toMatchObject({
      id: 'u1', push_enabled: true, opt_out: ['digest_daily'], quiet_hours: { start: '22:00', end: '07:00' }, _unsent: 1,
    });
    await store('notification_settings', { id: 'u2', push_enabled: true, opt_out: ['drill_due'], quiet_hours: null });
    await queue('settings.update', 'u2', { quiet_hours: { start: '12:00', end: '13:30' } });
    expect(await recordView('notification_settings', 'u2')).toMatchObject({ opt_out: ['drill_due'], quiet_hours: { start: '12:00', end: '13:30' } });
  });

  it('shows a sent notice at once with no receipts yet', async () => {
    await enqueueCommand({ id: 'b1', role: 'bureau' }, { type: 'notice.send', entityId: 'nt1', args: { title: '警示', body: '内容', kind: 'warning', target: { all: true } } });
    const notice = await recordView('notice', 'nt1');
    expect(notice).toMatchObject({ title: '警示', kind: 'warning', sent_by: 'b1', fanout: { status: 'pending' } });
    expect(notice).not.toHaveProperty('receipts');
    expect(noticeReceipts([])).toMatchObject({ total: 0, read: 0, acknowledged: 0, enterprises: [] });
  });
});

describe('unread count', () => {
  it('counts unread notifications, including ones read offline', async () => {
    await store('notification', note('a'));
    await store('notification', note('b', { created_at: '2026-11-30T01:00:00.000Z' }));
    await store('notification', note('c', { read_at: '2026-11-29T03:00:00.000Z' }));
    expect(unreadCount(await recordViews('notification'))).toBe(2);
    await queue('notification.read', 'a');
    const views = await recordViews('notification');
    expect(unreadCount(views)).toBe(1);
    expect(newestFirst(views).map((n) => n.id)).toEqual(['b', 'c', 'a']);
  });

  it('orders newest first', () => {
    const list = [note('1', { created_at: '2026-01-01T00:00:00Z' }), note('2', { created_at: '2026-03-01T00:00:00Z' }), note('3', { created_at: '2026-02-01T00:00:00Z' })];
    expect(newestFirst(list).map((n) => n.id)).toEqual(['2', '3', '1']);
    expect(unreadCount([])).toBe(0);
    expect(unreadCount(undefined)).toBe(0);
  });

  it('sets or clears the app badge where the Badging API exists', async () => {
    const calls = [];
    const nav = { setAppBadge: async (n) => calls.push(['set', n]), clearAppBadge: async () => calls.push(['clear']) };
    expect(await updateAppBadge(3, nav)).toBe(true);
    expect(await updateAppBadge(0, nav)).toBe(true);
    expect(calls).toEqual([['set', 3], ['clear']]);
    expect(await updateAppBadge(2, {})).toBe(false);
    expect(await updateAppBadge(2, { setAppBadge: async () => { throw new Error('no'); } })).toBe(false);
  });

  it('flags critical notifications', () => {
    expect(isCritical(note('x', { kind: 'major_hazard_overdue' }))).toBe(true);
    expect(isCritical(note('x', { kind: 'major_hazard_reported' }))).toBe(true);
    expect(isCritical(note('x', { critical: true }))).toBe(true);
    expect(isCritical(note('x'))).toBe(false);
  });
});

describe('quiet hours and settings form', () => {
  it('accepts off, a window, and one across midnight', () => {
    expect(validateQuietHours({ enabled: false })).toEqual({ ok: true, value: null, error: null });
    expect(validateQuietHours({ enabled: true, start: '22:00', end: '07:00' }).value).toEqual({ start: '22:00', end: '07:00' });
    expect(validateQuietHours({ enabled: true, start: '12:00', end: '13:30' }).ok).toBe(true);
  });

  it('rejects missing, malformed and empty windows', () => {
    expect(validateQuietHours({ enabled: true, start: '', end: '07:00' }).error).toBe('inbox.quiet.required');
    expect(validateQuietHours({ enabled: true, start: '24:00', end: '07:00' }).error).toBe('inbox.quiet.format');
    expect(validateQuietHours({ enabled: true, start: '7:00', end: '08:00' }).error).toBe('inbox.quiet.format');
    expect(validateQuietHours({ enabled: true, start: '08:00', end: '08:00' }).error).toBe('inbox.quiet.same');
  });

  it('builds settings.update args; critical kinds can never be opted out of', () => {
    const { args } = settingsArgs({ push_enabled: 1, opt_out: ['digest_daily', 'major_hazard_overdue', 'drill_due', 'drill_due'], quiet: { enabled: false } });
    expect(args).toEqual({ push_enabled: true, opt_out: ['digest_daily', 'drill_due'], quiet_hours: null });
    expect(OPTIONAL_KINDS).not.toContain('major_hazard_overdue');
    expect(OPTIONAL_KINDS).not.toContain('major_hazard_reported');
    expect(settingsArgs({ push_enabled: true, opt_out: [], quiet: { enabled: true, start: '08:00', end: '08:00' } })).toEqual({ error: 'inbox.quiet.same' });
  });
});

describe('notice form and receipts', () => {
  const base = { title: ' 某厂粉尘爆炸事故 ', body: '请立即排查', kind: 'accident', targetAll: true, flags: [], selfCheck: false, selfCheckDue: '' };
  it('builds notice.send args', () => {
    expect(noticeArgs(base).args).toEqual({ title: '某厂粉尘爆炸事故', body: '请立即排查', kind: 'accident', target: { all: true } });
    expect(noticeArgs({ ...base, targetAll: false, flags: ['dust_explosion'], selfCheck: true, selfCheckDue: '2026-12-31' }, '2026-12-01').args)
      .toMatchObject({ target: { flags: ['dust_explosion'] }, self_check_due: '2026-12-31' });
  });
  it('checks the form', () => {
    expect(noticeArgs({ ...base, title: ' ' }).error).toBe('inbox.notice.titleRequired');
    expect(noticeArgs({ ...base, targetAll: false }).error).toBe('inbox.notice.flagsRequired');
    expect(noticeArgs({ ...base, kind: 'x' }).error).toBe('inbox.notice.kindRequired');
    expect(noticeArgs({ ...base, selfCheck: true }).error).toBe('inbox.notice.dueRequired');
    expect(noticeArgs({ ...base, selfCheck: true, selfCheckDue: '2026-01-01' }, '2026-02-01').error).toBe('inbox.notice.duePast');
  });
  it('sums the per-enterprise receipts the server counts', () => {
    const r = noticeReceipts([
      { id: 'r1', notice_id: 'n1', enterprise_id: 'e1', recipients: 2, read: 1, acknowledged: 1 },
      { id: 'r2', notice_id: 'n1', enterprise_id: 'e2', recipients: 1, read: 1, acknowledged: 0 },
    ]);
    expect(r).toMatchObject({ total: 3, read: 2, acknowledged: 1 });
    expect(r.enterprises).toEqual([
      { enterprise_id: 'e1', recipients: 2, read: 1, acknowledged: 1 },
      { enterprise_id: 'e2', recipients: 1, read: 1, acknowledged: 0 },
    ]);
    expect(noticeReceipts(undefined)).toEqual({ total: 0, read: 0, acknowledged: 0, enterprises: [] });
  });
  it('groups receipts by notice for the sent list', () => {
    const byNotice = receiptsByNotice([
      { notice_id: 'n1', enterprise_id: 'e1', recipients: 5, read: 4, acknowledged: 3 },
      { notice_id: 'n2', enterprise_id: 'e1', recipients: 5, read: 0, acknowledged: 0 },
      { notice_id: 'n1', enterprise_id: 'e2', recipients: 2, read: 2, acknowledged: 0 },
    ]);
    expect(byNotice.n1).toMatchObject({ total: 7, read: 6, acknowledged: 3 });
    expect(byNotice.n2).toMatchObject({ total: 5, read: 0 });
  });
  it('asks for one enterprise\'s recipients a page at a time', () => {
    expect(recipientsUrl('n1', 'e1')).toBe('/api/v1/notices/n1/recipients?enterprise_id=e1&limit=50');
    expect(recipientsUrl('n1', 'e1', 'u9', 20)).toBe('/api/v1/notices/n1/recipients?enterprise_id=e1&limit=20&after=u9');
  });
});

describe('links and push helpers', () => {
  it('routes notification urls inside the app', () => {
    expect(routeOf('/#/hazards/h1')).toBe('/hazards/h1');
    expect(routeOf('/notices/n1')).toBe('/notices/n1');
    expect(routeOf('https://example.com/x')).toBeNull();
    expect(routeOf('')).toBeNull();
  });
  it('decodes the VAPID key and shapes the subscription body', () => {
    expect([...base64UrlToBytes('AQID_-8')]).toEqual([1, 2, 3, 255, 239]);
    const sub = { toJSON: () => ({ endpoint: 'https://push/x', expirationTime: null, keys: { p256dh: 'p', auth: 'a' } }) };
    expect(subscriptionBody(sub)).toEqual({ endpoint: 'https://push/x', keys: { p256dh: 'p', auth: 'a' } });
  });
});

describe('a notice reaches the enterprises of the bureau region', () => {
  it('takes in all of them, or those sharing any flag, as the server fan-out does', async () => {
    const { noticeReach } = await import('../src/inbox/logic.js');
    const summaries = [{ id: 'A', flags: ['gas', 'dust_explosion'] }, { id: 'B', flags: ['dust_explosion'] }, { id: 'C', flags: [] }];
    expect(noticeReach({ targetAll: true, flags: [] }, summaries).map((e) => e.id)).toEqual(['A', 'B', 'C']);
    expect(noticeReach({ targetAll: false, flags: ['gas'] }, summaries).map((e) => e.id)).toEqual(['A']);
    expect(noticeReach({ targetAll: false, flags: ['gas', 'dust_explosion'] }, summaries).map((e) => e.id)).toEqual(['A', 'B']);
    expect(noticeReach({ targetAll: false, flags: [] }, summaries)).toEqual([]);
  });
});
