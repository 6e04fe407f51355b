// Pulling changes: pagination, version compare, tombstones, unknown types, 410 reset, last_seq resume.
import { describe, it, expect } from 'vitest';
import { db, getMeta } from '../src/db/database.js';
import { enqueueCommand } from '../src/sync/outbox.js';
import { pullChanges } from '../src/sync/pull.js';
import { syncOnce } from '../src/sync/engine.js';
import { uuidv7 } from '../src/lib/uuidv7.js';
import { signedIn, reportArgs } from './helpers.js';

const hazardData = (id, extra = {}) => ({ id, title: `t-${id}`, status: 'reported', severity: 'general', history: [], ...extra });

describe('pull', () => {
  it('follows the cursor page by page until more is false', async () => {
    const { server, user } = await signedIn();
    server.pageSize = 2;
    for (let i = 0; i < 5; i++) server.putEntity('hazard', `h${i}`, hazardData(`h${i}`));
    server.putEntity('user', 'u2', { id: 'u2', username: 'officer-a', display_name: '王安全', role: 'officer', enterprise_id: 'e1', active: true });
    const result = await pullChanges(user, null);
    expect(result).toEqual({ pages: 3, changes: 6 });
    expect(await db.hazards.count()).toBe(5);
    expect(await db.users.get('u2')).toMatchObject({ display_name: '王安全', _version: 1 });
    expect(await getMeta('cursor')).toBe('6');
    const pulls = server.calls.filter((c) => c.path === '/api/v1/sync/pull').length;
    await pullChanges(user, null);
    expect(server.calls.filter((c) => c.path === '/api/v1/sync/pull').length).toBe(pulls + 1);
  });

  it('keeps the newer version when an older one arrives', async () => {
    await signedIn();
    const { applyChanges } = await import('../src/sync/pull.js');
    await applyChanges([{ entity: 'hazard', id: 'h1', version: 3, deleted: false, data: hazardData('h1', { status: 'closed' }) }], 'c1');
    await applyChanges([{ entity: 'hazard', id: 'h1', version: 2, deleted: false, data: hazardData('h1', { status: 'assigned' }) }], 'c2');
    expect(await db.hazards.get('h1')).toMatchObject({ status: 'closed', _version: 3 });
    await applyChanges([{ entity: 'hazard', id: 'h1', version: 4, deleted: false, data: hazardData('h1', { status: 'assigned' }) }], 'c3');
    expect(await db.hazards.get('h1')).toMatchObject({ status: 'assigned', _version: 4 });
  });

  it('removes tombstoned entities and stores unknown record types generically', async () => {
    const { server, user } = await signedIn();
    server.putEntity('hazard', 'h1', hazardData('h1'));
    server.putEntity('drill', 'd1', { id: 'd1', kind: 'evacuation' });
    await pullChanges(user, null);
    expect(await db.hazards.get('h1')).toBeDefined();
    expect(await db.entities.get(['drill', 'd1'])).toMatchObject({ version: 1, data: { kind: 'evacuation' } });
    server.putEntity('hazard', 'h1', null, { deleted: true });
    await pullChanges(user, null);
    expect(await db.hazards.get('h1')).toBeUndefined();
  });

  it('on 410 reset_required clears the entity tables but keeps the outbox, then pulls from scratch', async () => {
    const { server, user } = await signedIn();
    server.putEntity('hazard', 'h1', hazardData('h1'));
    await pullChanges(user, null);
    await db.hazards.put({ id: 'stale', title: 'left over from the old scope', _version: 1 });
    const queued = await enqueueCommand(user, { type: 'hazard.report', entityId: uuidv7(), args: reportArgs() });
    server.resetNext = true;
    await pullChanges(user, null);
    expect(await db.hazards.get('stale')).toBeUndefined();
    expect(await db.hazards.get('h1')).toBeDefined();
    expect(await db.outbox.get(queued.id)).toMatchObject({ state: 'pending' });
    const pulls = server.calls.filter((c) => c.path === '/api/v1/sync/pull');
    expect(pulls).toHaveLength(3);
  });

  it('resumes seq numbering after the server last_seq when local counting was lost', async () => {
    const { server, user } = await signedIn();
    const client = await db.clients.get(user.id);
    server.clients.set(client.client_id, { owner: 'u1', last_seq: 7, outcomes: new Map() });
    await syncOnce();
    expect((await db.clients.get(user.id)).next_seq).toBe(8);
    const cmd = await enqueueCommand(user, { type: 'hazard.report', entityId: uuidv7(), args: reportArgs() });
    expect(cmd.seq).toBe(8);
    await syncOnce();
    expect(server.clients.get(client.client_id).last_seq).toBe(8);
  });

  it('rebases pending local commands on top of a newer server version', async () => {
    const { server, user } = await signedIn();
    server.putEntity('hazard', 'h1', hazardData('h1'));
    await pullChanges(user, null);
    await enqueueCommand(user, { type: 'hazard.rectify', entityId: 'h1', args: { note: 'done', photos: ['x'] } });
    server.putEntity('hazard', 'h1', hazardData('h1', { title: 'renamed by server' }));
    await pullChanges(user, null);
    expect(await db.hazards.get('h1')).toMatchObject({ title: 'renamed by server', status: 'rectified', _version: 2, _unsent: 1 });
  });
});

describe('pull for a bureau', () => {
  it('stores enterprise summaries and regions in their own tables, and deletes them by tombstone', async () => {
    const { server, user } = await signedIn('bureau');
    server.putEntity('region', '141122', { code: '141122', name: '交城县', level: 'county', parent_code: '141100' });
    server.putEntity('enterprise_summary', 'A', { id: 'A', enterprise_id: 'A', name: '甲厂', region_code: '141122', due: { obligations: [] } });
    await pullChanges(user, null);
    expect(await db.summaries.get('A')).toMatchObject({ name: '甲厂', region_code: '141122', _version: 1 });
    expect(await db.regions.where('parent_code').equals('141100').toArray()).toMatchObject([{ code: '141122', name: '交城县' }]);
    expect(await db.entities.count()).toBe(0);
    server.putEntity('enterprise_summary', 'A', null, { deleted: true });
    await pullChanges(user, null);
    expect(await db.summaries.get('A')).toBeUndefined();
  });
});
