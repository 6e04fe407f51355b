// The IndexedDB schema opens at its newest version and upgrades an older install without losing data.
import Dexie from 'dexie';
import { describe, it, expect } from 'vitest';
import { db } from '../src/db/database.js';
import { DB_NAME, declareSchema, schemaVersions } from '../src/db/schema.js';

describe('database schema', () => {
  it('opens at the newest version with every table', async () => {
    expect(db.verno).toBe(schemaVersions.at(-1).version);
    const names = db.tables.map((t) => t.name).sort();
    expect(names).toEqual(['blobs', 'clients', 'drafts', 'enterprises', 'entities', 'hazards', 'meta', 'onlineLists', 'onlineRecords', 'outbox', 'regions', 'rejected', 'summaries', 'thumbs', 'users']);
  });

  it('upgrades a version 1 database in place, keeping outbox and records', async () => {
    db.close();
    await Dexie.delete(DB_NAME);
    const old = declareSchema(new Dexie(DB_NAME), 1);
    await old.open();
    expect(old.verno).toBe(1);
    await old.table('outbox').add({ id: 'c1', client_id: 'k', seq: 1, state: 'pending', entity_id: 'h1' });
    await old.table('hazards').put({ id: 'h1', title: 'old', status: 'reported' });
    old.close();

    await db.open();
    expect(db.verno).toBe(3);
    expect(await db.outbox.get('c1')).toMatchObject({ seq: 1, state: 'pending' });
    expect((await db.hazards.get('h1')).title).toBe('old');
    await db.entities.put({ entity: 'drill', id: 'd1', version: 1, data: {} });
    expect(await db.entities.get(['drill', 'd1'])).toMatchObject({ version: 1 });
  });

  it('stores photos as Blob objects, not strings', async () => {
    const blob = new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' });
    await db.blobs.put({ sha: 'abc', blob, uploaded: 0 });
    const row = await db.blobs.get('abc');
    expect(row.blob).toBeInstanceOf(Blob);
    expect(Array.from(new Uint8Array(await row.blob.arrayBuffer()))).toEqual([0xff, 0xd8, 0xff]);
  });
});
