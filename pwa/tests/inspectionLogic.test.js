// Inspection display logic: kinds by role, checklist copy, item checks, tallies, predicted hazard ids.
import { describe, it, expect } from 'vitest';
import { inspectionEffects, predictedHazardId } from '../src/inspection/effects.js';
import { startableKinds, canRecord, canRecordQuiz, itemError, tally, quizQuestions, finishBlocker, unansweredItems, itemLabel } from '../src/inspection/rules.js';
import { uuidv5 } from '../src/inspection/uuidv5.js';

const principal = { id: 'p1', role: 'principal', enterprise_id: 'e1' };
const officer = { id: 'o1', role: 'officer', enterprise_id: 'e1' };
const bureau = { id: 'b1', role: 'bureau', enterprise_id: null };
const checklist = { enterprise_id: 'e1', items: [
  { id: '4.2', article: 4, item: 2, text: '熔融金属喷溅区域有积水', major: true },
  { id: '3.1', article: 3, item: 1, text: '特种作业人员无证上岗', major: true, verified: false },
  { id: 'x', article: 14, item: 1, text: '报警装置失效', major: false },
] };
const fx = inspectionEffects((id) => (id === 'e1' ? checklist : null));
const ID = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

describe('uuidv5', () => {
  it('matches Python uuid.uuid5 (the server computes the hazard ids with it)', () => {
    expect(uuidv5(ID, '4.2')).toBe('f058f26b-e7e6-5091-b2ac-14afd16f13a5');
    expect(uuidv5(ID, '重大-' + 'x'.repeat(80))).toBe('e3d75302-adf1-5d43-a361-2cc9ff37e9e1');
  });
});

describe('inspection effects', () => {
  it('copies the checklist on start, records answers and predicts hazards on finish', () => {
    let i = fx['inspection.start'](null, { kind: 'principal' }, { entity_id: ID, captured_at: 't0' }, principal);
    expect(i).toMatchObject({ status: 'in_progress', led_by: 'p1', enterprise_id: 'e1', kind: 'principal' });
    expect(i.items.map((x) => [x.id, x.result, x.major])).toEqual([['4.2', null, true], ['3.1', null, true], ['x', null, false]]);
    // An item read in one copy only stays marked 待核实 in the offline copy, as on the server.
    expect(i.items.map((x) => x.verified)).toEqual([true, false, true]);
    i = fx['inspection.record_item'](i, { item_id: '3.1', result: 'pass', note: '', photos: [] });
    i = fx['inspection.record_item'](i, { item_id: '4.2', result: 'fail', note: '有积水', photos: ['s'] });
    expect(tally(i.items)).toMatchObject({ pass: 1, fail: 1, open: 1, majorFail: 1, total: 3 });
    i = fx['inspection.finish'](i, { summary: '发现1项重大隐患' }, { captured_at: 't1' });
    expect(i.status).toBe('finished');
    expect(i.items[0].hazard_id).toBe(predictedHazardId(ID, '4.2'));
    expect(i.items[1].hazard_id).toBe(null);
  });

  it('takes the enterprise from the args for the bureau and scores the quiz', () => {
    let i = fx['inspection.start'](null, { kind: 'enforcement', enterprise_id: 'e1' }, { entity_id: ID, captured_at: 't0' }, bureau);
    expect(i.enterprise_id).toBe('e1');
    expect(i.items).toHaveLength(3);
    expect(fx['inspection.record_quiz'](i, { score: 75, note: '' }).quiz.passed).toBe(false);
    expect(fx['inspection.record_quiz'](i, { score: 85 }).quiz.passed).toBe(true);
  });
});

describe('inspection rules', () => {
  it('offers kinds by role', () => {
    expect(startableKinds(principal)).toEqual(['principal', 'self_check']);
    expect(startableKinds(officer)).toEqual(['self_check']);
    expect(startableKinds(bureau)).toEqual(['enforcement']);
    expect(startableKinds({ role: 'worker' })).toEqual([]);
  });

  it('lets only the leader record, and the quiz only on enforcement by the bureau', () => {
    const insp = { status: 'in_progress', led_by: 'b1', kind: 'enforcement' };
    expect(canRecord(insp, bureau)).toBe(true);
    expect(canRecord(insp, officer)).toBe(false);
    expect(canRecordQuiz(insp, bureau)).toBe(true);
    expect(canRecordQuiz({ ...insp, kind: 'self_check' }, bureau)).toBe(false);
    expect(canRecord({ ...insp, status: 'finished' }, bureau)).toBe(false);
  });

  it('requires a note for a failed item', () => {
    expect(itemError({ result: 'fail', note: ' ' })).toBe('noteRequired');
    expect(itemError({ result: 'fail', note: '有积水' })).toBe(null);
    expect(itemError({ result: 'pass' })).toBe(null);
    expect(itemError({ result: null })).toBe('resultRequired');
  });
});

describe('items shown before the checklist was copied', () => {
  it('lays recorded answers over the checklist', async () => {
    const { displayItems } = await import('../src/inspection/effects.js');
    const bare = fx['inspection.record_item']({ items: [] }, { item_id: '3.1', result: 'fail', note: 'n', photos: [] });
    const shown = displayItems(bare, checklist);
    expect(shown.map((i) => [i.id, i.result, i.text.length > 0])).toEqual([['4.2', null, true], ['3.1', 'fail', true], ['x', null, true]]);
  });
});

describe('逢查必考 questions', () => {
  const items = [
    ...[1, 2, 3].map((n) => ({ id: `3.${n}`, article: 3 })),
    ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({ id: `4.${n}`, article: 4 })),
    { id: '13.1', article: 13 }, { id: '13.2', article: 13 }, { id: '14', article: 14 },
  ];
  it('draws five distinct items of the inspection, the same ones every time for one inspection', () => {
    const drawn = quizQuestions(ID, items);
    expect(drawn).toHaveLength(5);
    expect(new Set(drawn.map((i) => i.id)).size).toBe(5);
    expect(drawn.every((i) => items.includes(i))).toBe(true);
    expect(quizQuestions(ID, [...items].reverse()).map((i) => i.id)).toEqual(drawn.map((i) => i.id));
    expect(drawn.filter((i) => i.article >= 4 && i.article <= 13).length).toBeGreaterThanOrEqual(3);
  });
  it('varies between inspections and never asks more than there is', () => {
    const others = ['a', 'b', 'c', 'd'].map((s) => quizQuestions(`${ID}${s}`, items).map((i) => i.id).join());
    expect(new Set(others).size).toBeGreaterThan(1);
    expect(quizQuestions(ID, items.slice(0, 2))).toHaveLength(2);
    expect(quizQuestions(ID, [])).toEqual([]);
  });
});

describe('finishing', () => {
  const twelve = Array.from({ length: 12 }, (_, n) => ({ id: `4.${n + 1}`, article: 4, item: n + 1, text: `第${n + 1}项`, result: null }));

  it('names every unanswered item instead of finishing, then asks for the summary', () => {
    const answered = twelve.map((i, n) => (n < 10 ? { ...i, result: n === 3 ? 'na' : 'pass' } : i));
    const blocker = finishBlocker(answered, '已检查');
    expect(blocker.key).toBe('unanswered');
    expect(blocker.items.map(itemLabel)).toEqual(['4.11', '4.12']);
    const all = twelve.map((i) => ({ ...i, result: 'pass' }));
    expect(finishBlocker(all, '  ')).toEqual({ key: 'summaryRequired', items: [] });
    expect(finishBlocker(all, '未发现隐患')).toBe(null);
    expect(finishBlocker([], '未发现隐患').key).toBe('noChecklist');
  });

  it('names an item without an article by the start of its text', () => {
    expect(itemLabel({ id: 'x', article: null, item: null, text: '报警装置失效且未及时修复的情况' })).toBe('报警装置失效且未及时修复');
  });

  // The bug of issue 10: a finished inspection showed 10 of 12 items 未检查 because finishing never
  // required the items to be answered. Answering each item once and finishing leaves none open.
  it('answers twelve items one command each and finishes with none 未检查', () => {
    const twelveChecklist = { enterprise_id: 'e1', items: twelve.map(({ result, ...i }) => i) };
    const fx12 = inspectionEffects(() => twelveChecklist);
    let i = fx12['inspection.start'](null, { kind: 'principal' }, { entity_id: ID, captured_at: 't0' }, principal);
    expect(unansweredItems(i.items)).toHaveLength(12);
    for (const item of i.items) i = fx12['inspection.record_item'](i, { item_id: item.id, result: 'pass', note: '', photos: [] });
    expect(finishBlocker(i.items, '未发现隐患')).toBe(null);
    i = fx12['inspection.finish'](i, { summary: '未发现隐患' }, { captured_at: 't1' });
    expect(tally(i.items)).toMatchObject({ pass: 12, open: 0, total: 12 });
  });
});
