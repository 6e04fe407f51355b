// Lockout display logic: optimistic effects walk the whole workflow, and the steps offered follow commands.md.
import { describe, it, expect } from 'vitest';
import { lockoutEffects, equipmentEffects } from '../src/lockout/effects.js';
import { lockoutActions, canRemoveLock, removalNeedsReason, canManageEquipment } from '../src/lockout/permissions.js';
import { stepIndex, unlockedPoints, isActiveLockout } from '../src/lockout/rules.js';

const a1 = { id: 'a1', role: 'worker', enterprise_id: 'e1' };
const a2 = { id: 'a2', role: 'worker', enterprise_id: 'e1' };
const officer = { id: 'o1', role: 'officer', enterprise_id: 'e1' };
const bureau = { id: 'b1', role: 'bureau', enterprise_id: null };
const equipment = { id: 'eq', points: [{ id: 'p1', energy_type: 'electrical' }, { id: 'p2', energy_type: 'hydraulic' }] };
const fx = lockoutEffects((id) => (id === 'eq' ? equipment.points.map((p) => p.id) : []));
const cmd = (type, n = 0) => ({ type, entity_id: 'L', captured_at: `2026-11-29T08:0${n}:00.000Z` });
const run = (state, type, args, user, n) => fx[type](state, args, cmd(type, n), user);

describe('lockout effects', () => {
  it('walks open → locked → verified → safe → releasing → released', () => {
    let l = run(null, 'lockout.open', { equipment_id: 'eq', work_type: 'maintenance', reason: '换轴承' }, a1, 0);
    expect(l).toMatchObject({ id: 'L', status: 'applying', opened_by: 'a1', enterprise_id: 'e1', locks: [] });
    l = run(l, 'lockout.apply_lock', { point_id: 'p1', lock_number: 'L-01', tag: '检修勿动', photos: ['s1'] }, a1, 1);
    expect(l.status).toBe('applying');
    expect(unlockedPoints(l, equipment).map((p) => p.id)).toEqual(['p2']);
    l = run(l, 'lockout.apply_lock', { point_id: 'p2', lock_number: 'L-02', tag: '检修勿动', photos: ['s2'] }, a1, 2);
    expect(l.status).toBe('locked');
    l = run(l, 'lockout.verify_zero_energy', { photos: ['s3'], note: '试启动无反应' }, a1, 3);
    expect(l.status).toBe('verified');
    expect(l.tryout).toMatchObject({ by: 'a1', note: '试启动无反应', photos: ['s3'] });
    l = run(l, 'lockout.confirm', {}, a2, 4);
    expect(l).toMatchObject({ status: 'safe_to_work', confirmation: { by: 'a2' } });
    l = run(l, 'lockout.release', { people_clear: true, tools_clear: true, note: '' }, a1, 5);
    expect(l.status).toBe('releasing');
    l = run(l, 'lockout.remove_lock', { point_id: 'p1' }, a1, 6);
    expect(l.status).toBe('releasing');
    l = run(l, 'lockout.remove_lock', { point_id: 'p2', reason: '本人离岗' }, officer, 7);
    expect(l.status).toBe('released');
    expect(l.locks[1]).toMatchObject({ removed_by: 'o1', removal_reason: '本人离岗' });
    expect(isActiveLockout(l)).toBe(false);
    expect(stepIndex('released')).toBe(5);
  });

  it('registers equipment and retires it', () => {
    const e = equipmentEffects['equipment.register'](null, { name: '1#转炉', points: equipment.points }, { entity_id: 'eq' }, officer);
    expect(e).toMatchObject({ id: 'eq', active: true, enterprise_id: 'e1' });
    expect(equipmentEffects['equipment.retire'](e).active).toBe(false);
  });
});

describe('lockout steps offered', () => {
  const verified = { enterprise_id: 'e1', status: 'verified', locks: [{ point_id: 'p1', applied_by: 'a1' }] };
  it('hides the second-person confirmation from anyone who applied a lock', () => {
    expect(lockoutActions(verified, a1)).toEqual([]);
    expect(lockoutActions(verified, a2)).toEqual(['confirm']);
  });

  it('lets only the applier, or an officer with a reason, remove a lock', () => {
    const lock = { point_id: 'p1', applied_by: 'a1' };
    expect(canRemoveLock(lock, a1)).toBe(true);
    expect(canRemoveLock(lock, a2)).toBe(false);
    expect(canRemoveLock(lock, officer)).toBe(true);
    expect(removalNeedsReason(lock, officer)).toBe(true);
    expect(removalNeedsReason(lock, a1)).toBe(false);
    const releasing = { ...verified, status: 'releasing' };
    expect(lockoutActions(releasing, a2)).toEqual([]);
    expect(lockoutActions(releasing, officer)).toEqual(['remove_lock']);
  });

  it('offers nothing to the bureau or another enterprise, and equipment editing only to managers', () => {
    expect(lockoutActions({ ...verified, status: 'applying' }, bureau)).toEqual([]);
    expect(lockoutActions({ ...verified, enterprise_id: 'e2' }, a2)).toEqual([]);
    expect(canManageEquipment(officer)).toBe(true);
    expect(canManageEquipment(a1)).toBe(false);
  });
});

describe('lockout as shown', () => {
  it('reads applying with every point locked as locked', async () => {
    const { displayLockout } = await import('../src/lockout/rules.js');
    const l = { status: 'applying', locks: [{ point_id: 'p1' }, { point_id: 'p2' }] };
    expect(displayLockout(l, equipment).status).toBe('locked');
    expect(displayLockout({ ...l, locks: [{ point_id: 'p1' }] }, equipment).status).toBe('applying');
  });
});
