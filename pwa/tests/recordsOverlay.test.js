// The generic optimistic overlay: a queued command shows at once, the server's version replaces it,
// and a rejected command drops out of the view — for rows of `entities` and of the flat users table.
import { describe, it, expect } from 'vitest';
import { db } from '../src/db/database.js';
import { enqueueCommand, markApplied, markRejected } from '../src/sync/outbox.js';
import { registerEffects, entityOfCommand } from '../src/sync/effects.js';
import { recordView, recordViews, pruneConfirmedCommands } from '../src/sync/overlay.js';
import { queueRecordCommand } from '../src/sync/records.js';
import { uuidv7 } from '../src/lib/uuidv7.js';

const officer = { id: 'u1', enterprise_id: 'e1', role: 'officer' };

registerEffects('widget', {
  'widget.make': (_, args, cmd, user) => ({ id: cmd.entity_id, enterprise_id: user.enterprise_id, name: args.name, status: 'new' }),
  'widget.finish': (w) => ({ ...w, status: 'done' }),
});

describe('generic optimistic overlay', () => {
  it('maps command types to entities', () => {
    expect(entityOfCommand('widget.make')).toBe('widget');
    expect(entityOfCommand('training.sign_in')).toBe('training_session');
    expect(entityOfCommand('drill.check_in')).toBe('drill');
    expect(entityOfCommand('certificate.revoke')).toBe('certificate');
  });

  it('shows a pending command at once, marked unsent', async () => {
    const id = uuidv7();
    await enqueueCommand(officer, { type: 'widget.make', entityId: id, args: { name: '甲' } });
    const view = await recordView('widget', id);
    expect(view).toMatchObject({ id, name: '甲', status: 'new', _pending: 1, _unsent: 1, _version: 0 });
    expect(view.history.map((h) => h.type)).toEqual(['widget.make']);
    expect((await recordViews('widget')).map((w) => w.id)).toEqual([id]);
  });

  it('lets the server version replace the guess once pulled', async () => {
    const id = uuidv7();
    const make = await enqueueCommand(officer, { type: 'widget.make', entityId: id, args: { name: '甲' } });
    await markApplied(make, 1);
    expect(await recordView('widget', id)).toMatchObject({ _pending: 1, _unsent: 0 });
    await db.entities.put({ entity: 'widget', id, version: 1, data: { id, name: '服务器', status: 'new', history: [] } });
    const fin = await enqueueCommand(officer, { type: 'widget.finish', entityId: id, args: {} });
    let view = await recordView('widget', id);
    expect(view).toMatchObject({ name: '服务器', status: 'done', _version: 1, _pending: 1, _unsent: 1 });
    await markApplied(fin, 2);
    await db.entities.put({ entity: 'widget', id, version: 2, data: { id, name: '服务器', status: 'closed', history: [] } });
    view = await recordView('widget', id);
    expect(view).toMatchObject({ status: 'closed', _pending: 0, _unsent: 0 });
    await pruneConfirmedCommands();
    expect(await db.outbox.count()).toBe(0);
  });

  it('drops a rejected command out of the view', async () => {
    const id = uuidv7();
    await db.entities.put({ entity: 'widget', id, version: 3, data: { id, name: '乙', status: 'new', history: [] } });
    const fin = await enqueueCommand(officer, { type: 'widget.finish', entityId: id, args: {} });
    expect((await recordView('widget', id)).status).toBe('done');
    await markRejected(fin, { code: 'conflict', message: '状态不对' });
    expect(await recordView('widget', id)).toMatchObject({ status: 'new', _pending: 0 });
    expect(await db.rejected.count()).toBe(1);
  });

  it('drops a record created offline whose creation was rejected', async () => {
    const id = uuidv7();
    const make = await enqueueCommand(officer, { type: 'widget.make', entityId: id, args: { name: '丙' } });
    await markRejected(make, { code: 'forbidden' });
    expect(await recordView('widget', id)).toBeNull();
    expect(await recordViews('widget')).toEqual([]);
  });

  it('overlays commands on pulled users kept in their own table', async () => {
    await db.users.put({ id: 'w1', username: 'worker-a1', display_name: '工人', active: true, enterprise_id: 'e1', _version: 2 });
    await queueRecordCommand('user.deactivate', 'w1', { reason: '离职' }, { user: officer });
    const view = await recordView('user', 'w1');
    expect(view).toMatchObject({ username: 'worker-a1', active: false, _version: 2, _unsent: 1 });
    expect(view._base.active).toBe(true);
  });
});
