// Local hazard copies = the server's last version (`_base`) with the not-yet-confirmed commands on top,
// so an offline action shows at once and a pulled server version replaces the guess (server wins).
import { db } from '../db/database.js';
import { applyHazardCommand } from '../hazard/optimistic.js';

/** Commands still shaping the local copy: pending ones, and applied ones newer than the pulled version. */
export function overlayCommands(commands, baseVersion) {
  return commands
    .filter((c) => c.state === 'pending' || (c.state === 'applied' && (c.applied_version ?? Infinity) > baseVersion))
    .sort((a, b) => (a.captured_at < b.captured_at ? -1 : a.captured_at > b.captured_at ? 1 : a.seq - b.seq));
}

/** Recompute and store one hazard's local copy; call inside a rw transaction on hazards+outbox+users. */
export async function rebuildHazard(hazardId) {
  const row = await db.hazards.get(hazardId);
  const base = row?._base ?? null;
  const baseVersion = row?._version ?? 0;
  const commands = overlayCommands(await db.outbox.where('entity_id').equals(hazardId).toArray(), baseVersion);
  let view = base;
  for (const cmd of commands) {
    view = applyHazardCommand(view, cmd, cmd.user);
  }
  if (!view) {
    if (row) await db.hazards.delete(hazardId);
    return null;
  }
  const pending = commands.filter((c) => c.state === 'pending').length;
  const next = { ...view, id: hazardId, _base: base, _version: baseVersion, _pending: commands.length, _unsent: pending };
  await db.hazards.put(next);
  return next;
}

/** Store a pulled server version of a hazard if it is newer, dropping confirmed commands it includes. */
export async function acceptServerHazard(change) {
  const row = await db.hazards.get(change.id);
  if (row && (row._version ?? 0) >= change.version) return false;
  await db.hazards.put({ ...(row ?? {}), id: change.id, _base: change.data, _version: change.version });
  const confirmed = await db.outbox
    .where('entity_id')
    .equals(change.id)
    .filter((c) => c.state === 'applied' && (c.applied_version ?? Infinity) <= change.version)
    .primaryKeys();
  await db.outbox.bulkDelete(confirmed);
  await rebuildHazard(change.id);
  return true;
}
