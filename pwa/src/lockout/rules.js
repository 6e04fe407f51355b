// Lockout-tagout vocabulary (energy types, work types, the workflow steps) as data from docs/commands.md.

export const ENERGY_TYPES = ['electrical', 'mechanical', 'hydraulic', 'pneumatic', 'gas', 'thermal', 'chemical', 'gravity'];
export const WORK_TYPES = ['maintenance', 'confined_space', 'hot_work', 'other'];

/** The workflow in order; a lockout's status maps to the step it is on (van-steps' active index). */
export const LOCKOUT_STEPS = ['applying', 'locked', 'verified', 'safe_to_work', 'releasing', 'released'];

/** Index of the current step for van-steps. */
export function stepIndex(status) {
  return Math.max(0, LOCKOUT_STEPS.indexOf(status));
}

/** A lockout is active until it is released. */
export function isActiveLockout(lockout) {
  return !!lockout && lockout.status !== 'released';
}

/** Locks still on (not removed). */
export function locksOn(lockout) {
  return (lockout?.locks ?? []).filter((l) => !l.removed_at && !l.removed_by);
}

/** The equipment's points not yet locked in this lockout. */
export function unlockedPoints(lockout, equipment) {
  const locked = new Set((lockout?.locks ?? []).map((l) => l.point_id));
  return (equipment?.points ?? []).filter((p) => !locked.has(p.id));
}

/** The lockout as shown: `applying` with every point of the equipment locked reads as `locked`. */
export function displayLockout(lockout, equipment) {
  if (!lockout || lockout.status !== 'applying' || !equipment?.points?.length) return lockout;
  return unlockedPoints(lockout, equipment).length === 0 ? { ...lockout, status: 'locked' } : lockout;
}
