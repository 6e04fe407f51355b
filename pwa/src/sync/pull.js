// Pull: follow the cursor until `more` is false, upsert entities when the version is newer,
// remove tombstones, and on 410 reset_required start over (entity tables only, never the outbox).
import { db, clearEntityTables, getMeta, setMeta } from '../db/database.js';
import { apiFetch, ApiError, readJson } from './api.js';
import { adoptServerLastSeq, rotateClient } from './clientIdentity.js';
import { acceptServerHazard } from './overlay.js';

export const PULL_LIMIT = 500;
// Flat tables ({...data, _version}); a bureau's summaries and regions too (read-only, no commands shape them).
const KNOWN_TABLES = { user: 'users', enterprise: 'enterprises', enterprise_summary: 'summaries', region: 'regions' };

async function applyPlainChange(table, change) {
  const row = await db[table].get(change.id);
  if (row && (row._version ?? 0) >= change.version) return;
  await db[table].put({ ...change.data, id: change.id, _version: change.version });
}

async function applyGenericChange(change) {
  const key = [change.entity, change.id];
  const row = await db.entities.get(key);
  if (row && row.version >= change.version) return;
  await db.entities.put({ entity: change.entity, id: change.id, version: change.version, data: change.data });
}

async function applyDeletion(change) {
  if (change.entity === 'hazard') {
    await db.hazards.delete(change.id);
    const confirmed = await db.outbox.where('entity_id').equals(change.id).filter((c) => c.state === 'applied').primaryKeys();
    await db.outbox.bulkDelete(confirmed);
  } else if (KNOWN_TABLES[change.entity]) {
    await db[KNOWN_TABLES[change.entity]].delete(change.id);
  } else {
    await db.entities.delete([change.entity, change.id]);
  }
}

/** Store one page of changes and its cursor in a single transaction. */
export async function applyChanges(changes, cursor) {
  const tables = [db.hazards, db.outbox, db.users, db.enterprises, db.summaries, db.regions, db.entities, db.meta];
  await db.transaction('rw', tables, async () => {
    for (const change of changes) {
      if (change.deleted) await applyDeletion(change);
      else if (change.entity === 'hazard') await acceptServerHazard(change);
      else if (KNOWN_TABLES[change.entity]) await applyPlainChange(KNOWN_TABLES[change.entity], change);
      else await applyGenericChange(change);
    }
    await setMeta('cursor', cursor);
  });
}

/** Pull every change since the stored cursor; returns {pages, changes}. */
export async function pullChanges(user, clientId) {
  let cursor = await getMeta('cursor', null);
  let resets = 0;
  let pages = 0;
  let count = 0;
  for (;;) {
    const qs = new URLSearchParams({ limit: String(PULL_LIMIT) });
    if (cursor) qs.set('cursor', cursor);
    if (clientId) qs.set('client_id', clientId);
    const res = await apiFetch(`/api/v1/sync/pull?${qs}`);
    const body = await readJson(res);
    if (res.status === 410) {
      if (++resets > 2) throw new ApiError(410, body);
      await clearEntityTables();
      await setMeta('cursor', null);
      cursor = null;
      continue;
    }
    if (res.status === 409 && body?.code === 'client_owned_by_other_user') {
      clientId = (await rotateClient(user.id)).client_id;
      continue;
    }
    if (!res.ok) throw new ApiError(res.status, body, res.headers);
    await applyChanges(body.changes ?? [], body.cursor ?? cursor);
    await adoptServerLastSeq(user.id, clientId, body.last_seq);
    pages++;
    count += body.changes?.length ?? 0;
    cursor = body.cursor ?? cursor;
    if (!body.more) return { pages, changes: count };
  }
}
