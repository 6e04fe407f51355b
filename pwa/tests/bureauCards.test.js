// The bureau's overview at 360 px: a card per enterprise, worst first, then by how overdue; filtered by colour.
import { describe, it, expect } from 'vitest';
import { enterpriseCard, enterpriseCards, filterCards, filterCounts } from '../src/home/bureauCards.js';

const ob = (key, state, next_due, last_done = '2026-06-01') => ({ key, label_zh: `中-${key}`, state, next_due, last_done });
const due = (enterprise_id, obligations, extra = {}) => ({
  enterprise_id, computed_on: '2026-12-01', obligations, open_major_hazards: 0, overdue_hazards: 0, active_lockouts: 0, major_hazards: [], ...extra,
});
const enterprises = ['甲', '乙', '丙', '丁', '戊', '己'].map((name, i) => ({ id: `E${i}`, name: `${name}厂` }));
const dues = [
  due('E0', [ob('drill', 'overdue', '2026-11-21'), ob('ledger', 'ok', '2027-03-01')]), // 10 days late
  due('E1', [ob('drill', 'due_soon', '2026-12-05')]), // 4 days left
  due('E2', [ob('drill', 'overdue', '2026-10-02'), ob('inspection', 'due_soon', '2026-12-02')]), // 60 days late
  due('E3', [ob('drill', 'ok', '2027-05-01')]),
  due('E4', [ob('drill', 'due_soon', '2026-12-02')]), // 1 day left
  due('E5', [ob('drill', 'ok', '2027-01-01')], {
    open_major_hazards: 1,
    major_hazards: [{ id: 'h', title: '积水', due_date: '2026-11-30', days_to_deadline: -1, state: 'overdue' }],
  }),
];
const names = (cards) => cards.map((c) => c.enterprise.name);

describe('bureau cards', () => {
  it('orders red before amber before green, the most overdue first within a colour', () => {
    const cards = enterpriseCards(enterprises, dues);
    expect(names(cards)).toEqual(['丙厂', '甲厂', '己厂', '戊厂', '乙厂', '丁厂']);
    expect(cards.map((c) => c.worst)).toEqual(['red', 'red', 'red', 'amber', 'amber', 'green']);
    expect(cards.map((c) => c.lateness)).toEqual([60, 10, 1, -1, -4, -151]);
  });

  it('counts days from the due entity, not the phone: an overdue major hazard makes the card red', () => {
    const card = enterpriseCard(enterprises[5], dues[5]);
    expect(card).toMatchObject({ worst: 'red', overdueMajors: 1, tally: { red: 1, amber: 0 }, lateness: 1, counts: { majorHazards: 1, overdueHazards: 0, activeLockouts: 0 } });
    expect(card.attention).toEqual([]);
  });

  it('lists what needs attention, red first, the most overdue first', () => {
    const card = enterpriseCard(enterprises[2], dues[2]);
    expect(card.attention.map((o) => [o.key, o.rag, o.days])).toEqual([['drill', 'red', 60], ['inspection', 'amber', -1]]);
    expect(card.tally).toEqual({ red: 1, amber: 1 });
  });

  it('puts enterprises without a synced due last, and never-done obligations do not count as fine', () => {
    const cards = enterpriseCards([...enterprises, { id: 'X', name: '阿厂' }], [...dues, due('E9', [])]);
    expect(cards.at(-1)).toMatchObject({ worst: 'none', due: null, lateness: null });
    const never = enterpriseCard({ id: 'N', name: '新厂' }, due('N', [ob('drill', 'ok', '2027-01-01', null)]));
    expect(never.worst).toBe('none');
  });

  it('filters by red or amber, with the counts the tabs show', () => {
    const cards = enterpriseCards(enterprises, dues);
    expect(names(filterCards(cards, 'red'))).toEqual(['丙厂', '甲厂', '己厂']);
    expect(names(filterCards(cards, 'amber'))).toEqual(['戊厂', '乙厂']);
    expect(filterCards(cards, 'all')).toHaveLength(6);
    expect(filterCounts(cards)).toEqual({ all: 6, red: 3, amber: 2 });
  });
});
