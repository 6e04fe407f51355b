// Registry of optimistic effects for document entities: each record area registers, per command type,
// a display-only guess `(state, args, cmd, user) => newState` that the server's pulled version replaces.
// Areas register theirs in `src/<area>/effects.js` (loaded by overlay.js); nothing here decides a rule.

const effectsByEntity = new Map();
const entityByType = new Map();

// Command prefix → entity, for command types no area has registered an effect for (yet).
const ENTITY_OF_PREFIX = {
  hazard: 'hazard',
  drill: 'drill',
  training: 'training_session',
  user: 'user',
  enterprise: 'enterprise',
  certificate: 'certificate',
  equipment: 'equipment',
  lockout: 'lockout',
  inspection: 'inspection',
};

/** Register `{ 'drill.plan': (state, args, cmd, user) => newState, ... }` for entity `entity`. */
export function registerEffects(entity, effects) {
  const known = effectsByEntity.get(entity) ?? {};
  effectsByEntity.set(entity, { ...known, ...effects });
  for (const type of Object.keys(effects)) entityByType.set(type, entity);
}

/** The entity a command type changes (`drill.start` → `drill`, `training.sign_in` → `training_session`). */
export function entityOfCommand(type) {
  if (entityByType.has(type)) return entityByType.get(type);
  return ENTITY_OF_PREFIX[String(type).split('.')[0]] ?? null;
}

/** The registered effect of a command type, or null. */
export function effectOf(type) {
  const entity = entityOfCommand(type);
  return effectsByEntity.get(entity)?.[type] ?? null;
}

/**
 * Return `state` as it will look once `cmd` (queued by `user`) is applied, with a pending history entry;
 * null when the command needs an existing record and there is none (and no effect creates one).
 */
export function applyRecordCommand(state, cmd, user = cmd.user ?? {}) {
  const effect = effectOf(cmd.type);
  if (!effect) return state ? { ...state, history: [...(state.history ?? []), pendingEntry(cmd, user)] } : null;
  const next = effect(state ?? null, cmd.args ?? {}, cmd, user);
  if (!next) return state ?? null;
  return { ...next, history: [...(next.history ?? []), pendingEntry(cmd, user)] };
}

function pendingEntry(cmd, user) {
  return { type: cmd.type, by: user?.id ?? null, at: cmd.captured_at, received_at: null, pending: true };
}
