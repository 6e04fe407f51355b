// The one Dexie database instance the app and the sync engine share.
import Dexie from 'dexie';
import { DB_NAME, declareSchema, ENTITY_TABLES } from './schema.js';

export const db = declareSchema(new Dexie(DB_NAME));

/** Read a value from the key/value meta table. */
export async function getMeta(key, fallback = null) {
  const row = await db.meta.get(key);
  return row ? row.value : fallback;
}

/** Write a value to the key/value meta table. */
export function setMeta(key, value) {
  return db.meta.put({ key, value });
}

/** Drop every local copy of server state (used on 410 reset and when another user signs in). */
export async function clearEntityTables() {
  await db.transaction('rw', ENTITY_TABLES.map((t) => db[t]), async () => {
    for (const t of ENTITY_TABLES) await db[t].clear();
  });
}
