// Home logic: obligations as red/amber/green, and what else is due per role (next actions: nextActions.test.js).
import { describe, it, expect } from 'vitest';
import { ragOf, sortedObligations, majorHazardsOf, daysBetween, recordsBehind, obligationTag } from '../src/home/obligations.js';
import { myTrainings, recordWarnings, sectionsFor } from '../src/home/duties.js';

const ob = (key, state, next_due) => ({ key, label_zh: `中-${key}`, label_en: `en-${key}`, state, next_due });
const dues = [
  { enterprise_id: 'A', obligations: [ob('evacuation_drill', 'overdue', '2026-01-01'), ob('principal_inspection', 'ok', '2026-12-01')] },
  { enterprise_id: 'B', obligations: [ob('evacuation_drill', 'due_soon', '2026-12-05'), ob('ledger_update', 'ok', '2027-03-01')] },
];

describe('obligations', () => {
  it('maps states to colours and sorts worst first', () => {
    expect([ragOf('ok'), ragOf('due_soon'), ragOf('overdue'), ragOf('?')]).toEqual(['green', 'amber', 'red', 'none']);
    expect(sortedObligations(dues[0]).map((o) => o.rag)).toEqual(['red', 'green']);
  });

  it('never calls a never-done obligation 正常', () => {
    expect(obligationTag({ state: 'ok', last_done: null })).toEqual({ rag: 'none', state: 'never' });
    expect(obligationTag({ state: 'ok', last_done: '2026-10-01' })).toEqual({ rag: 'green', state: 'ok' });
    expect(obligationTag({ state: 'overdue', last_done: null })).toEqual({ rag: 'red', state: 'overdue' });
    expect(obligationTag({ state: 'due_soon', last_done: null })).toEqual({ rag: 'amber', state: 'due_soon' });
  });

  it('reads major hazards as a list or a count, counts days and finds the records behind a cell', () => {
    expect(majorHazardsOf({ major_hazards: [{ id: 'h' }] }).count).toBe(1);
    expect(majorHazardsOf({ open_major_hazards: 3 })).toEqual({ list: [], count: 3 });
    expect(daysBetween('2026-11-01', '2026-11-29T10:00:00Z')).toBe(28);
    expect(recordsBehind('evacuation_drill')).toBe('drills');
    expect(recordsBehind('principal_inspection')).toBe('inspections');
    expect(recordsBehind('confined_space_training')).toBe('trainings');
    expect(recordsBehind('ledger_update')).toBe('ledger');
  });
});

describe('what is due for me', () => {
  const me = { id: 'w1', role: 'worker' };
  it('lists my scheduled trainings, soonest first', () => {
    const sessions = [
      { id: 's2', status: 'scheduled', invitee_ids: ['w1'], scheduled_at: '2026-12-02T01:00:00Z' },
      { id: 's1', status: 'scheduled', invitee_ids: ['w1', 'w2'], scheduled_at: '2026-12-01T01:00:00Z' },
      { id: 's3', status: 'closed', invitee_ids: ['w1'], scheduled_at: '2026-11-01T01:00:00Z' },
      { id: 's4', status: 'scheduled', invitee_ids: ['w2'], scheduled_at: '2026-11-01T01:00:00Z' },
    ];
    expect(myTrainings(sessions, me).map((s) => s.id)).toEqual(['s1', 's2']);
  });

  it('keeps hazards and lockouts out of the role sections: they are next actions now', () => {
    for (const role of ['worker', 'officer', 'principal']) {
      expect(sectionsFor(role)).not.toContain('rectify');
      expect(sectionsFor(role)).not.toContain('verify');
      expect(sectionsFor(role)).not.toContain('major');
    }
    expect(sectionsFor('officer')).toEqual(['obligations']);
  });

  it('warns about retraining and expiring certificates', () => {
    const warnings = recordWarnings({
      exam: { status: 'retraining_required' },
      hours_this_year: 4,
      required_hours: 20,
      certificates: [{ operation: '电工', state: 'expiring', expires_on: '2026-12-31' }, { operation: '焊工', state: 'valid' }],
    });
    expect(warnings.map((w) => w.kind)).toEqual(['retraining_required', 'hours', 'certificate']);
    expect(recordWarnings(null)).toEqual([]);
  });
});
