// The outbox numbers commands 1, 2, 3… per client_id without gaps, persists them, and shows them at once.
import { describe, it, expect } from 'vitest';
import { db } from '../src/db/database.js';
import { enqueueCommand } from '../src/sync/outbox.js';
import { ensureClient } from '../src/sync/clientIdentity.js';
import { uuidv7 } from '../src/lib/uuidv7.js';
import { reportArgs } from './helpers.js';

const worker = { id: 'u1', enterprise_id: 'e1' };
const other = { id: 'u9', enterprise_id: 'e1' };
const report = (args = {}) => ({ type: 'hazard.report', entityId: uuidv7(), args: reportArgs(args) });

describe('outbox', () => {
  it('assigns gapless seqs even when commands are queued concurrently', async () => {
    await Promise.all(Array.from({ length: 12 }, () => enqueueCommand(worker, report())));
    const seqs = (await db.outbox.toArray()).map((c) => c.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect((await db.clients.get('u1')).next_seq).toBe(13);
  });

  it('keeps one client_id per user on a shared phone, each counting from 1', async () => {
    const a = await enqueueCommand(worker, report());
    const b = await enqueueCommand(other, report());
    const a2 = await enqueueCommand(worker, report());
    expect(a.client_id).not.toBe(b.client_id);
    expect([a.seq, a2.seq, b.seq]).toEqual([1, 2, 1]);
    expect((await ensureClient('u1')).client_id).toBe(a.client_id);
  });

  it('survives closing and reopening the database and continues numbering', async () => {
    await enqueueCommand(worker, report());
    await enqueueCommand(worker, report());
    const clientId = (await db.clients.get('u1')).client_id;
    db.close();
    await db.open();
    expect(await db.outbox.count()).toBe(2);
    const third = await enqueueCommand(worker, report());
    expect(third).toMatchObject({ client_id: clientId, seq: 3 });
  });

  it('shows a queued report and its follow-up at once, marked pending', async () => {
    const cmd = await enqueueCommand(worker, report({ title: '平台护栏缺失' }));
    let hazard = await db.hazards.get(cmd.entity_id);
    expect(hazard).toMatchObject({ title: '平台护栏缺失', status: 'reported', reported_by: 'u1', _pending: 1 });
    await enqueueCommand(worker, { type: 'hazard.rectify', entityId: cmd.entity_id, args: { note: '已加装', photos: ['ab'] } });
    hazard = await db.hazards.get(cmd.entity_id);
    expect(hazard.status).toBe('rectified');
    expect(hazard.rectification).toMatchObject({ note: '已加装', by: 'u1' });
    expect(hazard.history.map((h) => h.type)).toEqual(['hazard.report', 'hazard.rectify']);
    expect(hazard._pending).toBe(2);
  });

  it('makes time-ordered UUIDv7 ids', () => {
    const a = uuidv7(1_700_000_000_000);
    const b = uuidv7(1_700_000_000_001);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
  });
});
