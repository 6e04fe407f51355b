// The list filters and the offered actions follow the roles in protocol.md (display only; the server decides).
import { describe, it, expect } from 'vitest';
import { filterHazards } from '../src/hazard/filters.js';
import { availableActions } from '../src/hazard/permissions.js';
import { isOverdue } from '../src/lib/time.js';

const worker = { id: 'w1', role: 'worker', enterprise_id: 'e1' };
const other = { id: 'w2', role: 'worker', enterprise_id: 'e1' };
const officer = { id: 'o1', role: 'officer', enterprise_id: 'e1' };
const principal = { id: 'p1', role: 'principal', enterprise_id: 'e1' };

const hazards = [
  { id: 'mine-general', reported_by: 'w1', status: 'reported', severity: 'general', captured_at: '2026-11-01T00:00:00Z' },
  { id: 'mine-major', reported_by: 'w1', status: 'reported', severity: 'major', captured_at: '2026-11-02T00:00:00Z' },
  { id: 'assigned-to-me', reported_by: 'w2', status: 'assigned', assignee_id: 'w1', severity: 'major', captured_at: '2026-11-03T00:00:00Z' },
  { id: 'rectified-by-me', reported_by: 'w2', status: 'rectified', severity: 'general', rectification: { by: 'o1' }, captured_at: '2026-11-04T00:00:00Z' },
  { id: 'rectified-by-w1', reported_by: 'w2', status: 'rectified', severity: 'general', rectification: { by: 'w1' }, captured_at: '2026-11-05T00:00:00Z' },
  { id: 'closed', reported_by: 'w2', status: 'closed', severity: 'major', captured_at: '2026-11-06T00:00:00Z' },
];
const ids = (filter, user) => filterHazards(hazards, filter, user).map((h) => h.id);

describe('hazard list filters', () => {
  it('lists newest first', () => {
    expect(ids('all', worker)).toEqual(['closed', 'rectified-by-w1', 'rectified-by-me', 'assigned-to-me', 'mine-major', 'mine-general']);
  });

  it('"to rectify" holds what is assigned to me and my own general reports; officers see every open one', () => {
    expect(ids('todo', worker)).toEqual(['assigned-to-me', 'mine-general']);
    expect(ids('todo', other)).toEqual([]);
    expect(ids('todo', officer)).toEqual(['assigned-to-me', 'mine-major', 'mine-general']);
  });

  it('"to verify" is for officers and principals, never for the rectifier', () => {
    expect(ids('verify', worker)).toEqual([]);
    expect(ids('verify', officer)).toEqual(['rectified-by-w1']);
    expect(ids('verify', principal)).toEqual(['rectified-by-w1', 'rectified-by-me']);
  });

  it('"mine" and "major" filter by reporter and severity', () => {
    expect(ids('mine', worker)).toEqual(['mine-major', 'mine-general']);
    expect(ids('major', officer)).toEqual(['closed', 'assigned-to-me', 'mine-major']);
  });
});

describe('offered actions', () => {
  const byId = Object.fromEntries(hazards.map((h) => [h.id, h]));
  it('offers a worker rectification only of what is theirs to fix', () => {
    expect(availableActions(byId['mine-general'], worker)).toEqual(['rectify']);
    expect(availableActions(byId['mine-major'], worker)).toEqual([]);
    expect(availableActions(byId['assigned-to-me'], worker)).toEqual(['rectify']);
    expect(availableActions(byId['assigned-to-me'], other)).toEqual([]);
  });

  it('offers officers assign, rectify and dismiss on a report, and no verify of their own rectification', () => {
    expect(availableActions(byId['mine-general'], officer)).toEqual(['assign', 'rectify', 'dismiss']);
    expect(availableActions(byId['rectified-by-me'], officer)).toEqual([]);
    expect(availableActions(byId.closed, principal)).toEqual([]);
  });
});

describe('overdue', () => {
  it('compares the due date with today in Asia/Shanghai', () => {
    const h = { status: 'assigned', due_date: '2026-11-29' };
    expect(isOverdue(h, new Date('2026-11-29T15:59:00Z'))).toBe(false);
    expect(isOverdue(h, new Date('2026-11-29T16:01:00Z'))).toBe(true);
    expect(isOverdue({ ...h, status: 'closed' }, new Date('2026-12-30T00:00:00Z'))).toBe(false);
  });
});
