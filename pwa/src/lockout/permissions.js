// Which lockout steps to offer a person. Display only: the server decides and may still reject.
import { locksOn } from './rules.js';

const MANAGERS = ['officer', 'principal'];

/** Whether this person may register or edit equipment. */
export function canManageEquipment(user) {
  return !!user && MANAGERS.includes(user.role) && !!user.enterprise_id;
}

/** Whether this person may open a lockout (anyone of an enterprise). */
export function canOpenLockout(user) {
  return !!user && user.role !== 'bureau' && !!user.enterprise_id;
}

/** Whether `user` applied any lock of this lockout (then they may not be the second person). */
export function appliedAnyLock(lockout, user) {
  return (lockout?.locks ?? []).some((l) => l.applied_by === user?.id);
}

/** The step actions offered: apply_lock, verify_zero_energy, confirm, release, remove_lock. */
export function lockoutActions(lockout, user) {
  if (!lockout || !canOpenLockout(user) || lockout.enterprise_id !== user.enterprise_id) return [];
  switch (lockout.status) {
    case 'applying':
      return ['apply_lock'];
    case 'locked':
      return ['verify_zero_energy'];
    case 'verified':
      return appliedAnyLock(lockout, user) ? [] : ['confirm'];
    case 'safe_to_work':
      return ['release'];
    case 'releasing':
      return locksOn(lockout).some((l) => canRemoveLock(l, user)) ? ['remove_lock'] : [];
    default:
      return [];
  }
}

/** Whether `user` may remove this lock: its applier, or an officer (who must give a reason). */
export function canRemoveLock(lock, user) {
  if (!lock || !user || lock.removed_at) return false;
  return lock.applied_by === user.id || user.role === 'officer';
}

/** A removal by someone other than the applier needs a reason. */
export function removalNeedsReason(lock, user) {
  return !!lock && lock.applied_by !== user?.id;
}
