// Push: send pending commands in seq order (≤ 500 and < 2 MiB per request), blobs first, and
// record each outcome; recovers from blocked (blob_missing), seq_gap and a client_id owned by another user.
import { db } from '../db/database.js';
import { nowIso } from '../lib/uuidv7.js';
import { apiFetch, ApiError, readJson } from './api.js';
import { ensureClient, renumberFrom, rotateClient } from './clientIdentity.js';
import { pendingCommands, toWire, markApplied, markRejected } from './outbox.js';
import { uploadBlob, uploadBlobsFor } from './blobs.js';

export const MAX_BATCH = 500;
const MAX_BYTES = 1.9 * 1024 * 1024;
const MAX_ROUNDS = 200;

function trimToSize(batch) {
  let size = 200;
  const out = [];
  for (const cmd of batch) {
    size += JSON.stringify(toWire(cmd)).length + 1;
    if (out.length && size > MAX_BYTES) break;
    out.push(cmd);
  }
  return out;
}

async function recordOutcomes(batch, outcomes) {
  const bySeq = new Map(batch.map((c) => [c.seq, c]));
  let recorded = 0;
  for (const outcome of outcomes ?? []) {
    const cmd = bySeq.get(outcome.seq);
    if (!cmd || (outcome.id && outcome.id !== cmd.id)) continue;
    // A replayed outcome is the stored one: handled exactly like the first answer.
    if (outcome.status === 'applied') await markApplied(cmd, outcome.version);
    else if (outcome.status === 'rejected') await markRejected(cmd, outcome);
    else continue;
    recorded++;
  }
  return recorded;
}

/** Push this user's pending commands until none are left; returns {applied, rejected, rounds}. */
export async function pushOutbox(user) {
  let client = await ensureClient(user.id);
  let batchSize = MAX_BATCH;
  const blockedTries = new Map();
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const batch = trimToSize(await pendingCommands(client.client_id, batchSize));
    if (!batch.length) return { rounds: round - 1 };
    await uploadBlobsFor(batch);
    const res = await apiFetch('/api/v1/sync/push', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ client_id: client.client_id, sent_at: nowIso(), commands: batch.map(toWire) }),
    });
    const body = await readJson(res);
    if (res.status === 409 && body?.code === 'seq_gap' && Number.isInteger(body.expected)) {
      await renumberFrom(user.id, body.expected);
      client = await db.clients.get(user.id);
      continue;
    }
    if (res.status === 409 && (body?.code === 'client_owned_by_other_user' || body?.code === 'seq_mismatch')) {
      client = await rotateClient(user.id);
      continue;
    }
    if (res.status === 413 && batchSize > 1) {
      batchSize = Math.ceil(batch.length / 2);
      continue;
    }
    if (!res.ok) throw new ApiError(res.status, body, res.headers);
    const recorded = await recordOutcomes(batch, body.outcomes);
    if (body.blocked) {
      const { seq, missing = [] } = body.blocked;
      const tries = (blockedTries.get(seq) ?? 0) + 1;
      blockedTries.set(seq, tries);
      if (tries > 2) throw new ApiError(409, { code: 'blob_missing', message: `blocked at seq ${seq}` });
      for (const sha of missing) await uploadBlob(sha, { force: true });
      continue;
    }
    if (!recorded) throw new ApiError(500, { code: 'no_outcomes', message: 'push answered without outcomes' });
  }
  throw new ApiError(0, { code: 'push_loop', message: 'push did not finish' });
}
