// A rejected command stays on its record with the server's reason, and the sync summary never says 已全部同步
// while something is rejected.
import { describe, it, expect } from 'vitest';
import { createI18n } from 'vue-i18n';
import zhCN from '../src/i18n/zh-CN.json';
import { db } from '../src/db/database.js';
import { dismissRejected, enqueueCommand, markApplied, markRejected } from '../src/sync/outbox.js';
import { acceptServerHazard, recordView, recordViews } from '../src/sync/overlay.js';
import { hazardsWithRejections, hazardWithRejections, recordsWithRejections, recordWithRejections, rejectionText } from '../src/sync/rejections.js';
import { redoRoute } from '../src/sync/redo.js';
import { syncSummary } from '../src/sync/status.js';
import { uuidv7 } from '../src/lib/uuidv7.js';
import { reportArgs } from './helpers.js';

const { t, te } = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zhCN } }).global;
const worker = { id: 'u1', enterprise_id: 'e1', role: 'worker' };
const tooLong = { code: 'invalid', message: '输入不正确', fields: { description: ['长度不能超过 5000 个字符'] } };

async function rejectedReport() {
  const id = uuidv7();
  const cmd = await enqueueCommand(worker, { type: 'hazard.report', entityId: id, args: reportArgs({ description: 'x'.repeat(5001) }) });
  await markRejected(cmd, tooLong);
  return { id, cmd };
}

describe('a rejected report', () => {
  it('leaves no hazard row, yet the list and the detail keep it with its rejection', async () => {
    const { id, cmd } = await rejectedReport();
    expect(await db.hazards.get(id)).toBeUndefined();
    const [listed] = await hazardsWithRejections();
    expect(listed).toMatchObject({ id, title: '钢包区积水', reported_by: 'u1', _rejectedOnly: true, _unsent: 0, history: [] });
    expect(listed._rejected.map((r) => r.id)).toEqual([cmd.id]);
    expect(await hazardWithRejections(id)).toMatchObject({ id, _rejectedOnly: true });
  });

  it('is gone from list and detail once discarded, and never resent', async () => {
    const { id, cmd } = await rejectedReport();
    await dismissRejected(cmd.id);
    expect(await hazardsWithRejections()).toEqual([]);
    expect(await hazardWithRejections(id)).toBeUndefined();
    expect(await db.outbox.count()).toBe(0);
  });

  it('is fixed in the report form prefilled from it', async () => {
    const { cmd } = await rejectedReport();
    expect(redoRoute(cmd)).toEqual({ path: '/hazards/new', query: { redo: cmd.id } });
  });
});

describe('a rejected action on a hazard the server has', () => {
  it('keeps the server version and attaches the rejection to it', async () => {
    const id = uuidv7();
    const report = await enqueueCommand(worker, { type: 'hazard.report', entityId: id, args: reportArgs() });
    await markApplied(report, 1);
    await acceptServerHazard({ id, version: 1, data: { id, title: '钢包区积水', status: 'reported', severity: 'major', history: [] } });
    const assign = await enqueueCommand(worker, { type: 'hazard.assign', entityId: id, args: { assignee_id: 'u2', due_date: '2026-12-10' } });
    await markRejected(assign, { code: 'forbidden', message: '你无权执行此操作' });
    const view = await hazardWithRejections(id);
    expect(view).toMatchObject({ id, status: 'reported', _version: 1 });
    expect(view._rejectedOnly).toBeUndefined();
    expect(view._rejected.map((r) => r.type)).toEqual(['hazard.assign']);
    expect(redoRoute(assign)).toEqual({ path: `/hazards/${id}/assign`, query: { redo: assign.id } });
  });
});

describe('rejectionText', () => {
  it('gives the server message and each field message under its Chinese label', () => {
    expect(rejectionText({ ...tooLong }, t, te)).toEqual({ summary: '输入不正确', details: ['隐患描述：长度不能超过 5000 个字符'] });
  });

  it('falls back to the code’s Chinese text, and to the field message alone for an unknown field', () => {
    expect(rejectionText({ code: 'conflict', message: '', fields: { widget_x: ['不可用'] } }, t, te)).toEqual({ summary: '当前状态不允许', details: ['不可用'] });
    expect(rejectionText({ code: 'weird' }, t, te).summary).toBe('服务器未通过');
  });
});

describe('syncSummary', () => {
  it('counts pending and rejected apart', () => {
    expect(syncSummary(2, 0, t)).toBe('2 条待同步');
    expect(syncSummary(0, 1, t)).toBe('1 条未通过，需要处理');
    expect(syncSummary(3, 1, t)).toBe('3 条待同步，1 条未通过，需要处理');
  });

  it('says 已全部同步 only when nothing is pending or rejected', () => {
    expect(syncSummary(0, 0, t)).toBe('已全部同步');
    expect(syncSummary(0, 1, t)).not.toContain('全部同步');
  });
});

describe('a rejected command of another record type', () => {
  it('is attached to the record everywhere, and its refused create is kept only where asked', async () => {
    const id = uuidv7();
    const plan = await enqueueCommand(worker, { type: 'drill.plan', entityId: id, args: { type: 'fire', scenario: '仓库火灾', planned_for: '2026-12-20' } });
    await markRejected(plan, { code: 'forbidden', message: '你无权执行此操作' });
    expect(await recordWithRejections('drill', id, await recordView('drill', id))).toBeNull();
    const kept = await recordWithRejections('drill', id, await recordView('drill', id), true);
    expect(kept).toMatchObject({ id, scenario: '仓库火灾', _rejectedOnly: true });
    expect(kept._rejected.map((r) => r.type)).toEqual(['drill.plan']);
    expect(await recordsWithRejections('drill', await recordViews('drill'))).toEqual([]);
    expect((await recordsWithRejections('drill', await recordViews('drill'), true)).map((d) => d.id)).toEqual([id]);
    expect(await recordsWithRejections('training_session', await recordViews('training_session'), true)).toEqual([]);
    expect(redoRoute(plan)).toBe('/drills/new');
  });

  it('marks an existing record with the rejection', async () => {
    const id = uuidv7();
    await db.entities.put({ entity: 'drill', id, version: 3, data: { id, type: 'fire', scenario: '仓库火灾', status: 'planned', history: [] } });
    const start = await enqueueCommand(worker, { type: 'drill.start', entityId: id, args: {} });
    await markRejected(start, { code: 'conflict', message: '记录当前状态不允许此操作' });
    const view = await recordWithRejections('drill', id, await recordView('drill', id));
    expect(view).toMatchObject({ id, status: 'planned', _version: 3 });
    expect(view._rejected.map((r) => r.type)).toEqual(['drill.start']);
    expect(redoRoute(start)).toBe(`/drills/${id}`);
  });
});
