// Photo blobs: kept locally as Blob objects keyed by SHA-256, uploaded before the commands that cite them.
import { db } from '../db/database.js';
import { apiFetch, ApiError, readJson } from './api.js';

/** Store a photo Blob under its hash (idempotent: the same bytes are stored once). */
export async function storeBlob(sha, blob) {
  const existing = await db.blobs.get(sha);
  if (existing) return existing;
  const row = { sha, blob, uploaded: 0, created_at: new Date().toISOString() };
  await db.blobs.put(row);
  return row;
}

/** Every photo hash a command's args cite. */
export function referencedShas(command) {
  const photos = command.args?.photos;
  return Array.isArray(photos) ? photos.filter((s) => typeof s === 'string') : [];
}

/** Make sure the server holds `sha`: HEAD, then PUT the bytes on 404. `force` skips the local flag. */
export async function uploadBlob(sha, { force = false } = {}) {
  const row = await db.blobs.get(sha);
  if (!row) throw new ApiError(0, { code: 'blob_lost', message: `photo ${sha} is not on this device` });
  if (row.uploaded && !force) return 'known';
  const url = `/api/v1/blobs/${sha}`;
  const head = await apiFetch(url, { method: 'HEAD' });
  if (head.status === 200) {
    await db.blobs.update(sha, { uploaded: 1 });
    return 'present';
  }
  if (head.status !== 404) throw new ApiError(head.status, null, head.headers);
  const put = await apiFetch(url, {
    method: 'PUT',
    headers: { 'Content-Type': row.blob.type || 'image/jpeg' },
    body: row.blob,
  });
  if (put.status !== 200 && put.status !== 201) throw new ApiError(put.status, await readJson(put), put.headers);
  await db.blobs.update(sha, { uploaded: 1 });
  return 'uploaded';
}

/** Upload every blob the given commands cite that the server may not hold yet. */
export async function uploadBlobsFor(commands) {
  const shas = new Set(commands.flatMap(referencedShas));
  for (const sha of shas) {
    const row = await db.blobs.get(sha);
    if (row && !row.uploaded) await uploadBlob(sha);
  }
}
