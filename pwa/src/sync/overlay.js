// Optimistic local copies = the server's last version (`_base`, `_version`) with the not-yet-confirmed
// commands on top, so an offline action shows at once and a pulled server version replaces the guess.
// Hazards are stored materialised in their table; every other record type (rows of `entities`, `users`,
// `enterprises`) is computed when read from the stored server version and the outbox, so a rejection
// (which removes its command from the outbox) or a pull can never leave a stale guess behind.
import { db } from '../db/database.js';
import { applyHazardCommand } from '../hazard/optimistic.js';
import { applyRecordCommand, entityOfCommand } from './effects.js';

// Each area's optimistic effects (src/<area>/effects.js) register themselves when loaded.
import.meta.glob(['../*/effects.js', '!../sync/effects.js'], { eager: true });

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

// ---- generic document entities ----

// Pull stores users and enterprises flat in their own tables ({...data, _version}); the rest in `entities`.
const FLAT_TABLES = { user: 'users', enterprise: 'enterprises' };

/** The tables a record view of `entity` reads (for transactions and live queries). */
export function tablesOf(entity) {
  return [db[FLAT_TABLES[entity] ?? 'entities'], db.outbox];
}

/** The server version of a stored row: {base, version}. */
export function serverStateOf(entity, row) {
  if (!row) return { base: null, version: 0 };
  if (FLAT_TABLES[entity]) {
    const base = Object.fromEntries(Object.entries(row).filter(([k]) => !k.startsWith('_')));
    return { base, version: row._version ?? 0 };
  }
  return { base: row.data ?? null, version: row.version ?? 0 };
}

async function serverRows(entity, id = null) {
  const table = FLAT_TABLES[entity];
  if (table) return id ? [await db[table].get(id)].filter(Boolean) : db[table].toArray();
  if (id) return [await db.entities.get([entity, id])].filter(Boolean);
  return db.entities.where('entity').equals(entity).toArray();
}

/** The optimistic view of one record from its server state and its commands; null when it does not exist. */
export function buildRecordView(entity, id, { base, version }, commands) {
  const shaping = overlayCommands(commands, version);
  let view = base;
  for (const cmd of shaping) view = applyRecordCommand(view, cmd, cmd.user);
  if (!view) return null;
  const unsent = shaping.filter((c) => c.state === 'pending').length;
  return { ...view, id, _entity: entity, _base: base, _version: version, _pending: shaping.length, _unsent: unsent };
}

async function commandsOf(entity, id = null) {
  const rows = id ? await db.outbox.where('entity_id').equals(id).toArray() : await db.outbox.toArray();
  return rows.filter((c) => entityOfCommand(c.type) === entity);
}

/** Every record of `entity` as the person should see it now (server versions + local commands). */
export async function recordViews(entity) {
  const [rows, commands] = await Promise.all([serverRows(entity), commandsOf(entity)]);
  const byId = new Map();
  for (const cmd of commands) byId.set(cmd.entity_id, [...(byId.get(cmd.entity_id) ?? []), cmd]);
  const views = [];
  const seen = new Set();
  for (const row of rows) {
    const state = serverStateOf(entity, row);
    const id = row.id;
    seen.add(id);
    const view = buildRecordView(entity, id, state, byId.get(id) ?? []);
    if (view) views.push(view);
  }
  for (const [id, cmds] of byId) {
    if (seen.has(id)) continue;
    const view = buildRecordView(entity, id, { base: null, version: 0 }, cmds);
    if (view) views.push(view);
  }
  return views;
}

/** One record of `entity` as the person should see it now, or null. */
export async function recordView(entity, id) {
  if (!id) return null;
  const [rows, commands] = await Promise.all([serverRows(entity, id), commandsOf(entity, id)]);
  return buildRecordView(entity, id, serverStateOf(entity, rows[0]), commands);
}

/** Drop applied commands of document entities whose pulled version already includes them. */
export async function pruneConfirmedCommands() {
  await db.transaction('rw', db.outbox, db.entities, db.users, db.enterprises, async () => {
    const applied = await db.outbox.where('state').equals('applied').toArray();
    const done = [];
    for (const cmd of applied) {
      const entity = entityOfCommand(cmd.type);
      if (!entity || entity === 'hazard' || cmd.applied_version == null) continue;
      const [row] = await serverRows(entity, cmd.entity_id);
      if (serverStateOf(entity, row).version >= cmd.applied_version) done.push(cmd.id);
    }
    await db.outbox.bulkDelete(done);
  });
}
