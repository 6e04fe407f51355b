// Display-only guesses of equipment and lockout commands, so an offline step shows at once; the
// server's pulled version replaces them. The server owns the rules (docs/commands.md).
import { registerEffects } from '../sync/effects.js';

// Effects are synchronous; the screens that show lockouts remember the equipment's points here, so the
// guess knows when the last point is locked (the screens also derive it: see displayLockout in rules.js).
const knownPoints = new Map();

/** Remember equipment (pulled or optimistic) so lockout effects know its points. */
export function rememberEquipment(list) {
  for (const e of list ?? []) knownPoints.set(e.id, (e.points ?? []).map((p) => p.id));
}

const stamp = (cmd, user) => ({ by: user.id, at: cmd.captured_at });

export const equipmentEffects = {
  'equipment.register': (_, args, cmd, user) => ({
    id: cmd.entity_id,
    enterprise_id: user.enterprise_id ?? null,
    name: args.name,
    code: args.code ?? null,
    location: args.location ?? '',
    points: args.points ?? [],
    active: true,
    history: [],
  }),
  'equipment.update': (e, args) => ({ ...e, ...args, points: args.points ?? e.points }),
  'equipment.retire': (e) => ({ ...e, active: false }),
};

function afterLock(lockout, pointIds) {
  const locked = new Set(lockout.locks.map((l) => l.point_id));
  const all = pointIds.length > 0 && pointIds.every((id) => locked.has(id));
  return all ? { ...lockout, status: 'locked' } : lockout;
}

/** Lockout effects; `pointsOf(equipment_id)` gives the equipment's point ids (to know when all are locked). */
export function lockoutEffects(pointsOf = () => []) {
  return {
    'lockout.open': (_, args, cmd, user) => ({
      id: cmd.entity_id,
      enterprise_id: user.enterprise_id ?? null,
      equipment_id: args.equipment_id,
      work_type: args.work_type,
      reason: args.reason ?? '',
      status: 'applying',
      opened_by: user.id,
      locks: [],
      tryout: null,
      confirmation: null,
      release: null,
      history: [],
    }),
    'lockout.apply_lock': (l, args, cmd, user) =>
      afterLock(
        {
          ...l,
          locks: [
            ...(l.locks ?? []),
            {
              point_id: args.point_id,
              lock_number: args.lock_number,
              tag: args.tag,
              applied_by: user.id,
              applied_at: cmd.captured_at,
              photos: args.photos ?? [],
              removed_by: null,
              removed_at: null,
              removal_reason: null,
            },
          ],
        },
        pointsOf(l.equipment_id),
      ),
    'lockout.verify_zero_energy': (l, args, cmd, user) => ({
      ...l,
      status: 'verified',
      tryout: { ...stamp(cmd, user), photos: args.photos ?? [], note: args.note ?? '' },
    }),
    'lockout.confirm': (l, _args, cmd, user) => ({ ...l, status: 'safe_to_work', confirmation: stamp(cmd, user) }),
    'lockout.release': (l, args, cmd, user) => ({
      ...l,
      status: 'releasing',
      release: { ...stamp(cmd, user), people_clear: !!args.people_clear, tools_clear: !!args.tools_clear, note: args.note ?? '' },
    }),
    'lockout.remove_lock': (l, args, cmd, user) => {
      const locks = (l.locks ?? []).map((lock) =>
        lock.point_id === args.point_id && !lock.removed_at
          ? { ...lock, removed_by: user.id, removed_at: cmd.captured_at, removal_reason: args.reason ?? null }
          : lock,
      );
      const allOff = locks.every((lock) => lock.removed_at);
      return { ...l, locks, status: allOff ? 'released' : l.status };
    },
  };
}

registerEffects('equipment', equipmentEffects);
registerEffects('lockout', lockoutEffects((id) => knownPoints.get(id) ?? []));
