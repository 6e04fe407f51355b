// One client_id per (installation, user) and its gapless seq counter, persisted in IndexedDB.
import { db } from '../db/database.js';
import { uuidv7 } from '../lib/uuidv7.js';

/** Return this user's {user_id, client_id, next_seq}, creating it on first use. */
export async function ensureClient(userId) {
  return db.transaction('rw', db.clients, async () => {
    const row = await db.clients.get(userId);
    if (row) return row;
    const fresh = { user_id: userId, client_id: uuidv7(), next_seq: 1 };
    await db.clients.put(fresh);
    return fresh;
  });
}

/** Give the pending commands of `oldClientId` consecutive seqs from `firstSeq`; returns the next free seq. */
async function renumberPending(oldClientId, newClientId, firstSeq) {
  if (!oldClientId) return firstSeq;
  const pending = await db.outbox.where('[client_id+seq]').between([oldClientId, 0], [oldClientId, Infinity]).toArray();
  let seq = firstSeq;
  for (const cmd of pending.filter((c) => c.state === 'pending')) {
    await db.outbox.update(cmd.id, { client_id: newClientId, seq: seq++ });
  }
  return seq;
}

/** Answer a 409 seq_gap: resend the pending commands from the server's expected seq. */
export async function renumberFrom(userId, expected) {
  await db.transaction('rw', db.clients, db.outbox, async () => {
    const row = await db.clients.get(userId);
    const next = await renumberPending(row.client_id, row.client_id, expected);
    await db.clients.put({ ...row, next_seq: next });
  });
}

/** Start a new client_id for this user (client_owned_by_other_user, seq_mismatch); pending commands move to it. */
export async function rotateClient(userId) {
  return db.transaction('rw', db.clients, db.outbox, async () => {
    const row = await db.clients.get(userId);
    const clientId = uuidv7();
    const next = await renumberPending(row?.client_id, clientId, 1);
    const fresh = { user_id: userId, client_id: clientId, next_seq: next };
    await db.clients.put(fresh);
    return fresh;
  });
}

/** After pull reports the server's last_seq, never number a new command at or below it. */
export async function adoptServerLastSeq(userId, clientId, lastSeq) {
  if (lastSeq == null) return;
  await db.transaction('rw', db.clients, async () => {
    const row = await db.clients.get(userId);
    if (row && row.client_id === clientId && row.next_seq <= lastSeq) {
      await db.clients.put({ ...row, next_seq: lastSeq + 1 });
    }
  });
}
