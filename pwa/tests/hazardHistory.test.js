// A hazard's history shows what an assignment changed, old → new, in Chinese; a re-assign keeps the plan.
import { describe, it, expect } from 'vitest';
import { createI18n } from 'vue-i18n';
import zhCN from '../src/i18n/zh-CN.json';
import { describeChanges } from '../src/hazard/historyChanges.js';
import { applyHazardCommand } from '../src/hazard/optimistic.js';

const { t } = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zhCN } }).global;
const names = { w1: '张三', w2: '李四' };
const userName = (id) => names[id] ?? id;

describe('hazard history changes', () => {
  it('reads each change of assignee, due date and plan as old → new in Chinese', () => {
    const entry = {
      type: 'hazard.assign',
      changes: [
        { field: 'assignee_id', from: 'w1', to: 'w2' },
        { field: 'due_date', from: null, to: '2030-07-15' },
        { field: 'plan', from: '围挡', to: '更换管线' },
      ],
    };
    expect(describeChanges(entry, t, userName)).toEqual([
      '整改责任人：张三 → 李四',
      '整改期限：（无） → 2030-07-15',
      '整改方案：围挡 → 更换管线',
    ]);
  });

  it('shows nothing for entries without changes (older entries, other commands)', () => {
    expect(describeChanges({ type: 'hazard.rectify' }, t, userName)).toEqual([]);
  });

  it('a queued re-assign without a plan keeps the plan and lists only what changed', () => {
    const hazard = { id: 'h1', status: 'assigned', assignee_id: 'w1', due_date: '2030-06-30', plan: '围挡', history: [] };
    const command = { type: 'hazard.assign', args: { assignee_id: 'w2', due_date: '2030-06-30', plan: '' }, captured_at: '2030-06-01T00:00:00Z' };
    const shown = applyHazardCommand(hazard, command, { id: 'o1' });
    expect(shown.plan).toBe('围挡');
    expect(describeChanges(shown.history.at(-1), t, userName)).toEqual(['整改责任人：张三 → 李四']);
  });
});
