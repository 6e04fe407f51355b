// The outbox: commands (intentions) written to IndexedDB with a gapless per-client seq before the
// UI says "saved", then pushed by the sync loop. Rejected commands move to the `rejected` table.
import { db } from '../db/database.js';
import { uuidv7, nowIso } from '../lib/uuidv7.js';
import { ensureClient } from './clientIdentity.js';
import { rebuildHazard } from './overlay.js';

const listeners = new Set();

/** Be told after every queued command (the sync engine pushes then). */
export function onCommandQueued(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * Queue a command for `user` and show its effect locally, in one transaction.
 * Returns the stored command {id, client_id, seq, type, entity_id, captured_at, args, ...}.
 */
export async function enqueueCommand(user, { type, entityId, args }) {
  await ensureClient(user.id);
  const command = await db.transaction('rw', db.clients, db.outbox, db.hazards, async () => {
    const client = await db.clients.get(user.id);
    const cmd = {
      id: uuidv7(),
      client_id: client.client_id,
      seq: client.next_seq,
      type,
      entity_id: entityId,
      captured_at: nowIso(),
      args,
      state: 'pending',
      user_id: user.id,
      user: { id: user.id, enterprise_id: user.enterprise_id ?? null },
    };
    await db.outbox.add(cmd);
    await db.clients.put({ ...client, next_seq: client.next_seq + 1 });
    if (type.startsWith('hazard.')) await rebuildHazard(entityId);
    return cmd;
  });
  for (const fn of listeners) fn(command);
  return command;
}

/** The pending commands of one client, in seq order. */
export function pendingCommands(clientId, limit = 500) {
  return db.outbox
    .where('[client_id+seq]')
    .between([clientId, 0], [clientId, Infinity])
    .filter((c) => c.state === 'pending')
    .limit(limit)
    .toArray();
}

/** The wire form of a stored command (protocol.md push). */
export function toWire(cmd) {
  return { seq: cmd.seq, id: cmd.id, type: cmd.type, entity_id: cmd.entity_id, captured_at: cmd.captured_at, args: cmd.args };
}

/** Record an `applied` outcome: kept (state applied) until a pull brings that version, then dropped. */
export async function markApplied(cmd, version) {
  await db.transaction('rw', db.outbox, db.hazards, async () => {
    await db.outbox.update(cmd.id, { state: 'applied', applied_version: version ?? null });
    if (cmd.type.startsWith('hazard.')) await rebuildHazard(cmd.entity_id);
  });
}

/** Record a final rejection: move the command to `rejected` and undo its local effect. Never resent. */
export async function markRejected(cmd, outcome) {
  await db.transaction('rw', db.outbox, db.rejected, db.hazards, async () => {
    await db.outbox.delete(cmd.id);
    await db.rejected.put({
      ...cmd,
      state: 'rejected',
      code: outcome.code ?? 'rejected',
      message: outcome.message ?? '',
      fields: outcome.fields ?? null,
      rejected_at: nowIso(),
    });
    if (cmd.type.startsWith('hazard.')) await rebuildHazard(cmd.entity_id);
  });
}

/** Drop a rejected command the person has read (or redone as a new command). */
export function dismissRejected(id) {
  return db.rejected.delete(id);
}
