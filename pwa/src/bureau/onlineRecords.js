// The bureau reads an enterprise's records online, a page at a time, and keeps every page and record it
// opened in IndexedDB (onlineLists, onlineRecords) so the same screens show them offline, with their time.
import { db } from '../db/database.js';
import { apiJson, ApiError, OfflineError } from '../sync/api.js';

export const PAGE_SIZE = 50;
// The record lists of an enterprise page, in tab order (sync entity names).
export const RECORD_ENTITIES = ['hazard', 'drill', 'training_session', 'inspection', 'lockout'];

/** Raised when the enterprise is not in the bureau's region (the server answers 404 not_found). */
export class NotInRegionError extends Error {
  constructor() {
    super('not_in_region');
    this.code = 'not_in_region';
  }
}

const base = (enterpriseId) => `/api/v1/bureau/enterprises/${encodeURIComponent(enterpriseId)}/records`;

/** The URL of one page of an enterprise's records of `entity`, newest first. */
export function listUrl(enterpriseId, entity, cursor = null, limit = PAGE_SIZE) {
  const qs = new URLSearchParams({ entity, limit: String(limit) });
  if (cursor) qs.set('cursor', cursor);
  return `${base(enterpriseId)}?${qs}`;
}

/** The URL of one record of an enterprise. */
export function recordUrl(enterpriseId, entity, id) {
  return `${base(enterpriseId)}/${encodeURIComponent(entity)}/${encodeURIComponent(id)}`;
}

async function fetchJson(url) {
  try {
    return await apiJson(url);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) throw new NotInRegionError();
    throw err;
  }
}

const rowOf = (enterpriseId, record, fetchedAt) => ({ entity: record.entity, id: record.id, enterprise_id: enterpriseId, fetched_at: fetchedAt, data: record.data });

/**
 * Fetch one page (the first when `cursor` is null) and keep it: the first page starts the saved list afresh,
 * a later one is added to it. Returns {records, next_cursor, fetched_at}.
 */
export async function fetchRecordPage(enterpriseId, entity, cursor = null, now = () => new Date().toISOString()) {
  const body = await fetchJson(listUrl(enterpriseId, entity, cursor));
  const fetchedAt = now();
  const records = (body?.records ?? []).filter((r) => r.entity === entity);
  await db.transaction('rw', db.onlineRecords, db.onlineLists, async () => {
    await db.onlineRecords.bulkPut(records.map((r) => rowOf(enterpriseId, r, fetchedAt)));
    const saved = cursor ? await db.onlineLists.get([enterpriseId, entity]) : null;
    const ids = [...(saved?.ids ?? []), ...records.map((r) => r.id).filter((id) => !saved?.ids?.includes(id))];
    await db.onlineLists.put({ enterprise_id: enterpriseId, entity, ids, next_cursor: body?.next_cursor ?? null, fetched_at: fetchedAt });
  });
  return { records: records.map((r) => ({ ...r.data, id: r.id })), next_cursor: body?.next_cursor ?? null, fetched_at: fetchedAt };
}

/** The list saved from the pages opened last time online: {records, next_cursor, fetched_at}, or null. */
export async function savedRecordList(enterpriseId, entity) {
  const saved = await db.onlineLists.get([enterpriseId, entity]);
  if (!saved) return null;
  const rows = await db.onlineRecords.bulkGet(saved.ids.map((id) => [entity, id]));
  return { records: rows.filter(Boolean).map((r) => ({ ...r.data, id: r.id })), next_cursor: saved.next_cursor, fetched_at: saved.fetched_at };
}

/** Fetch one record online and keep it: {record, fetched_at}. */
export async function fetchRecord(enterpriseId, entity, id, now = () => new Date().toISOString()) {
  const body = await fetchJson(recordUrl(enterpriseId, entity, id));
  const fetchedAt = now();
  await db.onlineRecords.put(rowOf(enterpriseId, { entity, id, data: body?.data ?? {} }, fetchedAt));
  return { record: { ...(body?.data ?? {}), id }, fetched_at: fetchedAt };
}

/** The record as saved when last read online (from its page or its own detail): {record, fetched_at}, or null. */
export async function savedRecord(enterpriseId, entity, id) {
  const row = await db.onlineRecords.get([entity, id]);
  if (!row || row.enterprise_id !== enterpriseId) return null;
  return { record: { ...row.data, id: row.id }, fetched_at: row.fetched_at };
}

/** Why an online read failed: 'not_in_region', 'offline', 'auth' (sign in again) or 'failed'. */
export function failureKind(err) {
  if (err instanceof NotInRegionError) return 'not_in_region';
  if (err instanceof OfflineError) return 'offline';
  return err?.code === 'auth_required' ? 'auth' : 'failed';
}

/**
 * Read online, else what was saved: {source: 'online' | 'saved' | 'none', value, fetched_at, error}. A network
 * failure, a server error or a sign-in to renew falls back to the saved copy; 404 (not in the region) never does.
 */
export async function readOnlineOrSaved(fetchOnline, readSaved) {
  try {
    const value = await fetchOnline();
    return { source: 'online', value, fetched_at: value.fetched_at, error: null };
  } catch (err) {
    if (err instanceof NotInRegionError) throw err;
    const saved = await readSaved();
    const error = failureKind(err);
    return saved ? { source: 'saved', value: saved, fetched_at: saved.fetched_at, error } : { source: 'none', value: null, fetched_at: null, error };
  }
}
