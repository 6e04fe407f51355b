// Pushing the outbox against a fake server: applied, rejected (never resent), blocked, replayed, seq recovery.
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { db } from '../src/db/database.js';
import { enqueueCommand } from '../src/sync/outbox.js';
import { storeBlob } from '../src/sync/blobs.js';
import { syncOnce } from '../src/sync/engine.js';
import { pushOutbox } from '../src/sync/push.js';
import { uuidv7 } from '../src/lib/uuidv7.js';
import { createFakeServer } from './fakeServer.js';
import { signedIn, reportArgs } from './helpers.js';

const queueReport = (user, args = {}) => enqueueCommand(user, { type: 'hazard.report', entityId: uuidv7(), args: reportArgs(args) });

async function photo(text) {
  const bytes = new TextEncoder().encode(text);
  const sha = createHash('sha256').update(bytes).digest('hex');
  await storeBlob(sha, new Blob([bytes], { type: 'image/jpeg' }));
  return sha;
}

describe('push', () => {
  it('sends commands in seq order and converges to the pulled server version once applied', async () => {
    const { server, user } = await signedIn();
    const a = await queueReport(user, { title: 'A' });
    await queueReport(user, { title: 'B' });
    expect(await syncOnce()).toBe(true);
    expect(server.pushed.map((c) => c.seq)).toEqual([1, 2]);
    expect(await db.outbox.count()).toBe(0);
    const hazard = await db.hazards.get(a.entity_id);
    expect(hazard).toMatchObject({ title: 'A', status: 'reported', _version: 1, _pending: 0 });
  });

  it('keeps an applied command in the local view until the pull brings its version', async () => {
    const { user } = await signedIn();
    const a = await queueReport(user);
    await pushOutbox(user);
    expect(await db.outbox.get(a.id)).toMatchObject({ state: 'applied', applied_version: 1 });
    expect((await db.hazards.get(a.entity_id)).status).toBe('reported');
  });

  it('moves a rejection to the rejected list, undoes it locally and never resends it', async () => {
    const { server, user } = await signedIn();
    const ok = await queueReport(user);
    await syncOnce();
    const assign = await enqueueCommand(user, { type: 'hazard.assign', entityId: ok.entity_id, args: { assignee_id: 'u1', due_date: '2026-12-10', plan: 'x' } });
    expect((await db.hazards.get(ok.entity_id)).status).toBe('assigned');
    await syncOnce();
    const rejected = await db.rejected.get(assign.id);
    expect(rejected).toMatchObject({ code: 'forbidden', type: 'hazard.assign', seq: 2 });
    expect((await db.hazards.get(ok.entity_id)).status).toBe('reported');
    const pushedBefore = server.pushed.length;
    await syncOnce();
    await syncOnce();
    expect(server.pushed.length).toBe(pushedBefore);
    expect(server.pushed.filter((c) => c.id === assign.id)).toHaveLength(1);
  });

  it('keeps the fields of an invalid rejection so the form can show them', async () => {
    const { user } = await signedIn();
    const bad = await queueReport(user, { title: '' });
    await syncOnce();
    expect(await db.rejected.get(bad.id)).toMatchObject({ code: 'invalid', fields: { title: ['required'] } });
    expect(await db.hazards.get(bad.entity_id)).toBeUndefined();
  });

  it('uploads photos before the push that cites them', async () => {
    const { server, user } = await signedIn();
    const sha = await photo('photo-1');
    await queueReport(user, { photos: [sha] });
    await syncOnce();
    expect(server.blobs.has(sha)).toBe(true);
    const order = server.calls.map((c) => `${c.method} ${c.path}`);
    expect(order.indexOf(`PUT /api/v1/blobs/${sha}`)).toBeLessThan(order.indexOf('POST /api/v1/sync/push'));
    expect((await db.blobs.get(sha)).uploaded).toBe(1);
  });

  it('on blocked blob_missing uploads the missing blobs and pushes again from that seq', async () => {
    const { server, user } = await signedIn();
    const sha1 = await photo('one');
    const sha2 = await photo('two');
    await queueReport(user, { photos: [sha1] });
    await queueReport(user, { photos: [sha2] });
    // The device believes both are uploaded, but the server lost the second one.
    await db.blobs.toCollection().modify({ uploaded: 1 });
    server.blobs.set(sha1, Buffer.from('one'));
    await syncOnce();
    const pushes = server.calls.filter((c) => c.path === '/api/v1/sync/push').length;
    expect(pushes).toBe(2);
    expect(server.pushed.map((c) => c.seq)).toEqual([1, 2, 2]);
    expect(server.blobs.has(sha2)).toBe(true);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.hazards.count()).toBe(2);
  });

  it('treats replayed outcomes like the first answer when a response was lost', async () => {
    const { server, user } = await signedIn();
    const a = await queueReport(user);
    server.failAfterPushCommit = true;
    expect(await syncOnce()).toBe(false);
    expect((await db.outbox.get(a.id)).state).toBe('pending');
    await syncOnce();
    expect(server.pushed.filter((c) => c.id === a.id)).toHaveLength(2);
    expect([...server.entities.values()].filter((e) => e.entity === 'hazard')).toHaveLength(1);
    expect(await db.outbox.count()).toBe(0);
    expect((await db.hazards.get(a.entity_id))._version).toBe(1);
  });

  it('renumbers from the expected seq on 409 seq_gap', async () => {
    const { server, user } = await signedIn();
    await db.clients.update(user.id, { next_seq: 4 });
    await queueReport(user);
    await queueReport(user);
    await syncOnce();
    expect(server.pushed.map((c) => c.seq)).toEqual([1, 2]);
    expect((await db.clients.get(user.id)).next_seq).toBe(3);
    expect(await db.outbox.count()).toBe(0);
  });

  it('makes a new client_id when the old one belongs to another user', async () => {
    const { server, user } = await signedIn();
    const cmd = await queueReport(user);
    server.clients.set(cmd.client_id, { owner: 'u2', last_seq: 0, outcomes: new Map() });
    await syncOnce();
    const client = await db.clients.get(user.id);
    expect(client.client_id).not.toBe(cmd.client_id);
    expect(server.clients.get(client.client_id)).toMatchObject({ owner: 'u1', last_seq: 1 });
    expect(await db.outbox.count()).toBe(0);
  });

  it('splits the outbox into pushes of at most 500 commands', async () => {
    const { server, user } = await signedIn(undefined, createFakeServer());
    const { client_id: clientId } = await db.clients.get(user.id);
    const commands = Array.from({ length: 501 }, (_, i) => ({
      id: uuidv7(), client_id: clientId, seq: i + 1, type: 'hazard.report', entity_id: uuidv7(), captured_at: new Date().toISOString(),
      args: reportArgs({ title: `h${i}` }), state: 'pending', user_id: user.id, user: { id: user.id, enterprise_id: 'e1' },
    }));
    await db.outbox.bulkAdd(commands);
    await db.clients.update(user.id, { next_seq: 502 });
    await syncOnce();
    const pushBodies = server.calls.filter((c) => c.path === '/api/v1/sync/push');
    expect(pushBodies).toHaveLength(2);
    expect(server.pushed.at(-1).seq).toBe(501);
    expect(await db.hazards.count()).toBe(501);
  }, 30_000);
});
