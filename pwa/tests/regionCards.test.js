// A city bureau sees its counties as cards aggregated on the phone from the pulled enterprise summaries.
import { describe, it, expect } from 'vitest';
import { childRegions, regionCard, regionCards, regionPath, rootRegion, summariesUnder } from '../src/bureau/regionCards.js';

const region = (code, name, level, parent_code) => ({ id: code, code, name, level, parent_code });
const regions = [
  region('141100', '吕梁市', 'city', '140000'),
  region('141122', '交城县', 'county', '141100'),
  region('141121', '文水县', 'county', '141100'),
  region('141102', '离石区', 'county', '141100'),
];
const ob = (key, state) => ({ key, state, next_due: '2026-12-10', last_done: '2026-06-01' });
const due = (obligations, extra = {}) => ({ computed_on: '2026-12-01', obligations, major_hazards: [], late_entries: [], ...extra });
const summary = (id, region_code, d) => ({ id, enterprise_id: id, name: `企业${id}`, region_code, flags: [], due: d });
const summaries = [
  // 交城县: one red (two overdue obligations, one overdue major hazard), one amber, one late entry.
  summary('A', '141122', due([ob('drill', 'overdue'), ob('training', 'overdue')], {
    major_hazards: [{ id: 'h1', title: '积水', due_date: '2026-11-30', days_to_deadline: -1, state: 'overdue' }],
    late_entries: [{ entity: 'hazard', id: 'h2', type: 'hazard.report', captured_at: '2026-11-20T02:00:00Z' }],
  })),
  summary('B', '141122', due([ob('drill', 'due_soon')])),
  // 文水县: all well, plus one enterprise whose `due` is not computed yet.
  summary('C', '141121', due([ob('drill', 'ok')])),
  summary('D', '141121', null),
];

describe('region cards', () => {
  it('finds the bureau own node: its region_code, else the pulled region whose parent was not pulled', () => {
    expect(rootRegion(regions).code).toBe('141100');
    expect(rootRegion(regions, '141122').code).toBe('141122');
    expect(rootRegion([region('141122', '交城县', 'county', '141100')]).code).toBe('141122');
    expect(rootRegion([])).toBeNull();
  });

  it('gives one card per county of a city, with its counts aggregated from the summaries, worst first', () => {
    const cards = regionCards(regions, summaries, '141100');
    expect(cards.map((c) => c.region.name)).toEqual(['交城县', '文水县', '离石区']);
    const [jiaocheng, wenshui, lishi] = cards;
    expect(jiaocheng).toMatchObject({ enterprises: 2, worst: 'red', overdueObligations: 2, dueSoonObligations: 1, redEnterprises: 1, majorHazards: 1, lateEntries: 1, unsummarised: 0 });
    expect(wenshui).toMatchObject({ enterprises: 2, worst: 'green', overdueObligations: 0, majorHazards: 0, lateEntries: 0, unsummarised: 1 });
    expect(lishi).toMatchObject({ enterprises: 0, worst: 'none' });
  });

  it('aggregates a province by city, counting the enterprises of every county below each city', () => {
    const province = [region('140000', '山西省', 'province', null), ...regions, region('140100', '太原市', 'city', '140000'), region('140105', '小店区', 'county', '140100')];
    const cards = regionCards(province, [...summaries, summary('T', '140105', due([ob('drill', 'due_soon')]))], '140000');
    expect(cards.map((c) => [c.region.name, c.enterprises, c.worst])).toEqual([['吕梁市', 4, 'red'], ['太原市', 1, 'amber']]);
    expect(regionPath(province, '140000', '141122').map((r) => r.name)).toEqual(['山西省', '吕梁市', '交城县']);
  });

  it('keeps a county to its own enterprises: nothing of the neighbouring county', () => {
    expect(summariesUnder(summaries, regions, '141122').map((s) => s.id)).toEqual(['A', 'B']);
    expect(summariesUnder(summaries, regions, '141100').map((s) => s.id)).toEqual(['A', 'B', 'C', 'D']);
    expect(childRegions(regions, '141122')).toEqual([]);
    expect(regionCard(regions[1], summariesUnder(summaries, regions, '141122')).enterprises).toBe(2);
  });
});

describe('a hazard link on a bureau phone', () => {
  it('finds the enterprise of a hazard from the summaries that list it, or none', async () => {
    const { enterpriseOfHazard } = await import('../src/bureau/bureauLinks.js');
    expect(enterpriseOfHazard(summaries, 'h1')).toBe('A');
    expect(enterpriseOfHazard(summaries, 'h2')).toBe('A');
    expect(enterpriseOfHazard(summaries, 'nowhere')).toBeNull();
  });
});
