// The IndexedDB schema history: every released version stays listed so old installs upgrade in place.
// Tables: local entity copies (hazards, users, enterprises, generic entities), the command outbox,
// rejected commands, photo blobs (Blob objects, never base64), sync meta/session, per-user client ids, drafts,
// a bureau's pulled summaries and regions, and the records it read online.

export const DB_NAME = 'safety-ledger';

export const schemaVersions = [
  {
    version: 1,
    stores: {
      hazards: 'id, status, reported_by, assignee_id, severity',
      users: 'id, enterprise_id',
      enterprises: 'id',
      outbox: 'id, [client_id+seq], client_id, entity_id, state',
      rejected: 'id, entity_id, rejected_at',
      blobs: 'sha, uploaded',
      meta: 'key',
      clients: 'user_id, client_id',
    },
  },
  {
    // v2: unknown record types from pull are kept generically; form drafts and cached server thumbnails.
    version: 2,
    stores: {
      entities: '[entity+id], entity',
      drafts: 'key',
      thumbs: 'sha',
    },
  },
  {
    // v3: a bureau pulls summaries of its region (enterprise_summary, region) instead of every record, and
    // keeps what it read online (record details and the list pages it opened) to show them offline.
    version: 3,
    stores: {
      summaries: 'id, region_code',
      regions: 'id, parent_code',
      onlineRecords: '[entity+id], enterprise_id, fetched_at',
      onlineLists: '[enterprise_id+entity]',
    },
  },
];

/**
 * Tables that mirror server state; a 410 reset_required or another person signing in clears exactly these
 * (never the outbox). What a bureau read online is one person's copy of server state too.
 */
export const ENTITY_TABLES = ['hazards', 'users', 'enterprises', 'entities', 'summaries', 'regions', 'onlineRecords', 'onlineLists'];

/** Apply every schema version to a Dexie instance, in order. */
export function declareSchema(dexie, upTo = Infinity) {
  for (const { version, stores, upgrade } of schemaVersions) {
    if (version > upTo) break;
    const v = dexie.version(version).stores(stores);
    if (upgrade) v.upgrade(upgrade);
  }
  return dexie;
}
