// The hazard forms' helpers: likely assignees first, the deadline offered by severity, criteria search, limits.
import { describe, it, expect } from 'vitest';
import { createI18n } from 'vue-i18n';
import { addDays, defaultDueDate, likelyAssignees, DEFAULT_RECTIFY_DAYS } from '../src/hazard/assignees.js';
import { searchCriteria, HAZARD_CATEGORIES } from '../src/hazard/categories.js';
import { reportForm, actionForms } from '../src/hazard/actionForms.js';
import zhCN from '../src/i18n/zh-CN.json';
import hazardZh from '../src/hazard/zh-CN.json';

const people = [
  { id: 'o', display_name: '李安全', role: 'officer' },
  { id: 'w1', display_name: '张师傅', role: 'worker' },
  { id: 'w2', display_name: '刘师傅', role: 'worker' },
  { id: 'w3', display_name: '赵师傅', role: 'worker' },
  { id: 'p', display_name: '王建国', role: 'principal' },
];

describe('the deadline offered', () => {
  it('counts calendar days across months and years', () => {
    expect(addDays('2026-12-28', 7)).toBe('2027-01-04');
    expect(addDays('2028-02-25', 7)).toBe('2028-03-03');
    expect(addDays('2026-12-07', -1)).toBe('2026-12-06');
  });
  it('gives a general hazard a week and a major one a month', () => {
    expect(DEFAULT_RECTIFY_DAYS).toEqual({ general: 7, major: 30 });
    expect(defaultDueDate('general', '2026-12-07')).toBe('2026-12-14');
    expect(defaultDueDate('major', '2026-12-07')).toBe('2027-01-06');
    expect(defaultDueDate(undefined, '2026-12-07')).toBe('2026-12-14');
  });
});

describe('likely assignees', () => {
  const hazards = [
    { id: 'a', assignee_id: 'w2', location: '转炉平台' },
    { id: 'b', assignee_id: 'w1', location: '煤气柜' },
    { id: 'c', assignee_id: 'w1', location: '煤气柜' },
    { id: 'd', assignee_id: null, location: '转炉平台' },
  ];
  it('puts whoever fixed hazards at this place first, then the most assigned, then the reporter', () => {
    const hazard = { id: 'h', location: '转炉平台', reported_by: 'w3' };
    expect(likelyAssignees(people, hazards, hazard, 0).map((u) => u.id)).toEqual(['w2', 'w1', 'w3', 'o', 'p']);
    expect(likelyAssignees(people, hazards, hazard).map((u) => u.id)).toHaveLength(4);
  });
  it('keeps the current assignee first when reassigning, and ignores the hazard itself', () => {
    const hazard = { id: 'b', location: '煤气柜', assignee_id: 'w3' };
    expect(likelyAssignees(people, hazards, hazard, 2).map((u) => u.id)).toEqual(['w3', 'w1']);
  });
});

describe('criteria and categories', () => {
  const items = [
    { id: '4.2', article: 4, item: 2, text: '熔融金属喷溅区域有积水' },
    { id: '4.5', article: 4, item: 5, text: '煤气柜区域未设置可燃气体报警装置', verified: false },
    { id: '14', article: 14, item: null, text: '监控、报警等设施失效' },
  ];
  it('finds items by number or by words, all words required', () => {
    expect(searchCriteria(items, '4.5').map((i) => i.id)).toEqual(['4.5']);
    expect(searchCriteria(items, '报警').map((i) => i.id)).toEqual(['4.5', '14']);
    expect(searchCriteria(items, '报警 煤气').map((i) => i.id)).toEqual(['4.5']);
    expect(searchCriteria(items, '  ')).toEqual(items);
    expect(searchCriteria(items, '粉尘')).toEqual([]);
  });
  it('offers categories without repeats, 其他 last', () => {
    expect(new Set(HAZARD_CATEGORIES).size).toBe(HAZARD_CATEGORIES.length);
    expect(HAZARD_CATEGORIES.at(-1)).toBe('其他');
  });
});

describe('the server published limits bound the forms', () => {
  const messages = { ...zhCN, hazard: { ...zhCN.hazard, ...hazardZh } };
  const { t } = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': messages } }).global;
  const report = { title: '护栏松动', location: '3号平台', description: '', severity: 'general', category: '', criterion: '', photos: [] };
  it('names the missing or too long field of a report in Chinese, and passes a good one', () => {
    expect(reportForm.validate({ ...report, title: ' ' }, t)).toBe('请填写隐患名称');
    expect(reportForm.validate({ ...report, description: 'x'.repeat(5001) }, t)).toBe('隐患描述最多 5000 个字');
    expect(reportForm.validate({ ...report, category: '类'.repeat(65) }, t)).toBe('类别最多 64 个字');
    expect(reportForm.validate(report, t)).toBe(null);
  });
  it('refuses a plan longer than the server takes', () => {
    const form = { assignee_id: 'w1', due_date: '2026-12-14', plan: 'x'.repeat(5001) };
    expect(actionForms.assign.validate(form, t, { severity: 'general' })).toBe('整改方案最多 5000 个字');
    expect(actionForms.assign.validate({ ...form, plan: '' }, t, { severity: 'general' })).toBe(null);
    expect(actionForms.assign.validate({ ...form, plan: '' }, t, { severity: 'major' })).toBe('重大事故隐患必须填写整改方案');
  });
});
