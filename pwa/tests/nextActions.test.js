// "My next actions" on the home screen: who sees which hazards and lockouts, by the permission rules, in order.
import { describe, it, expect } from 'vitest';
import { nextActions, deadlineTag, daysLeft, hazardsToAssign, hazardsAssignedToMe, hazardsToVerifyByMe, lockoutsToConfirm, openMajorsByDeadline } from '../src/home/nextActions.js';

const TODAY = '2026-12-01';
const worker = { id: 'w1', role: 'worker', enterprise_id: 'A' };
const worker2 = { id: 'w2', role: 'worker', enterprise_id: 'A' };
const officer = { id: 'o1', role: 'officer', enterprise_id: 'A' };
const principal = { id: 'p1', role: 'principal', enterprise_id: 'A' };

const hz = (id, fields) => ({ id, enterprise_id: 'A', severity: 'general', captured_at: '2026-11-20T01:00:00Z', ...fields });
const hazards = [
  hz('reported-old', { status: 'reported', reported_by: 'w1', captured_at: '2026-11-01T01:00:00Z' }),
  hz('reported-new', { status: 'reported', reported_by: 'w2', captured_at: '2026-11-30T01:00:00Z', severity: 'major' }),
  hz('mine-late', { status: 'assigned', assignee_id: 'w1', due_date: '2026-11-29' }),
  hz('mine-later', { status: 'assigned', assignee_id: 'w1', due_date: '2026-12-05' }),
  hz('theirs', { status: 'assigned', assignee_id: 'w2', due_date: '2026-11-28', severity: 'major' }),
  hz('fixed-by-w1', { status: 'rectified', rectification: { by: 'w1', at: '2026-11-30T01:00:00Z' } }),
  hz('fixed-by-o1', { status: 'rectified', severity: 'major', due_date: '2026-12-03', rectification: { by: 'o1', at: '2026-11-29T01:00:00Z' } }),
  hz('closed-major', { status: 'closed', severity: 'major', due_date: '2026-11-01' }),
  hz('dismissed', { status: 'dismissed' }),
];
const lock = (id, status, appliers) => ({ id, enterprise_id: 'A', status, locks: appliers.map((by, n) => ({ point_id: `p${n}`, applied_by: by })) });
const lockouts = [lock('awaiting', 'verified', ['w1']), lock('working', 'safe_to_work', ['w2']), lock('other-ent', 'verified', ['w2'])];
lockouts[2].enterprise_id = 'B';

const ids = (list) => list.map((x) => x.id);

describe('next actions', () => {
  it('offers 待指派 to those who may assign, newest report first, and to nobody else', () => {
    expect(ids(hazardsToAssign(hazards, officer))).toEqual(['reported-new', 'reported-old']);
    expect(ids(hazardsToAssign(hazards, principal))).toEqual(['reported-new', 'reported-old']);
    expect(hazardsToAssign(hazards, worker)).toEqual([]);
  });

  it('lists the hazards assigned to me, nearest deadline first, with days left (negative when overdue)', () => {
    expect(ids(hazardsAssignedToMe(hazards, worker, TODAY))).toEqual(['mine-late', 'mine-later']);
    expect(hazardsAssignedToMe(hazards, worker, TODAY).map((h) => daysLeft(h, TODAY))).toEqual([-2, 4]);
    expect(ids(hazardsAssignedToMe(hazards, worker2, TODAY))).toEqual(['theirs']);
    expect(hazardsAssignedToMe(hazards, officer, TODAY)).toEqual([]);
    expect(daysLeft({ due_date: null }, TODAY)).toBe(null);
  });

  it('offers 待验收 only to managers, never on their own rectification', () => {
    expect(ids(hazardsToVerifyByMe(hazards, officer))).toEqual(['fixed-by-w1']);
    expect(ids(hazardsToVerifyByMe(hazards, principal))).toEqual(['fixed-by-o1', 'fixed-by-w1']);
    expect(hazardsToVerifyByMe(hazards, worker)).toEqual([]);
  });

  it('asks for the second-person confirmation only those who applied none of the locks, in their enterprise', () => {
    expect(ids(lockoutsToConfirm(lockouts, worker2))).toEqual(['awaiting']);
    expect(ids(lockoutsToConfirm(lockouts, officer))).toEqual(['awaiting']);
    expect(lockoutsToConfirm(lockouts, worker)).toEqual([], 'the applier may not confirm their own lockout');
  });

  it('shows managers the open major hazards, most overdue first, none to workers', () => {
    expect(ids(openMajorsByDeadline(hazards, officer, TODAY))).toEqual(['theirs', 'fixed-by-o1', 'reported-new']);
    expect(openMajorsByDeadline(hazards, worker, TODAY)).toEqual([]);
  });

  it('groups them in order with counts and links, leaving out empty groups', () => {
    const officerGroups = nextActions({ hazards, lockouts, user: officer, today: TODAY });
    expect(officerGroups.map((g) => [g.key, g.count])).toEqual([['assign', 2], ['verify', 1], ['confirm', 1], ['major', 3]]);
    expect(officerGroups[0].items[0]).toMatchObject({ kind: 'hazard', id: 'reported-new', to: '/hazards/reported-new' });
    expect(officerGroups[2].items[0]).toMatchObject({ kind: 'lockout', to: '/lockouts/awaiting' });
    expect(officerGroups.find((g) => g.key === 'verify').more).toBe('/hazards?filter=verify');
    const workerGroups = nextActions({ hazards, lockouts, user: worker, today: TODAY });
    expect(workerGroups.map((g) => g.key)).toEqual(['rectify']);
    expect(workerGroups[0].items.map((i) => i.daysLeft)).toEqual([-2, 4]);
  });

  it('is empty when nothing waits, and for nobody signed in', () => {
    expect(nextActions({ hazards: [hazards[7], hazards[8]], lockouts: [], user: officer, today: TODAY })).toEqual([]);
    expect(nextActions({ hazards, lockouts, user: null, today: TODAY })).toEqual([]);
  });

  it('tags deadlines: red when overdue, today, or a major hazard has none; amber within three days', () => {
    const item = (fields, daysLeft) => ({ kind: 'hazard', record: { status: 'assigned', severity: 'general', ...fields }, daysLeft });
    expect(deadlineTag(item({}, -2))).toEqual({ rag: 'red', kind: 'late', n: 2 });
    expect(deadlineTag(item({}, 0))).toEqual({ rag: 'red', kind: 'today', n: 0 });
    expect(deadlineTag(item({}, 3))).toEqual({ rag: 'amber', kind: 'left', n: 3 });
    expect(deadlineTag(item({}, 4))).toEqual({ rag: 'green', kind: 'left', n: 4 });
    expect(deadlineTag(item({ severity: 'major' }, null))).toEqual({ rag: 'red', kind: 'none', n: null });
    expect(deadlineTag(item({}, null))).toBe(null);
    expect(deadlineTag(item({ status: 'reported' }, -5))).toBe(null);
    expect(deadlineTag({ kind: 'lockout', record: {}, daysLeft: null })).toBe(null);
  });
});
