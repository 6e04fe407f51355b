// The inbox's kinds come from the server's list (src/inbox/kinds.json, written by scripts/pwa_kinds.py and
// checked against backend/rules/notification_kinds.py by tests/unit/test_notification_kinds.py).
import { describe, expect, it } from 'vitest';
import SERVER_KINDS from '../src/inbox/kinds.json';
import zh from '../src/inbox/zh-CN.json';
import en from '../src/inbox/en.json';
import { CRITICAL_KINDS, KINDS, MANDATORY_KINDS, OPTIONAL_KINDS, serverKindLabel, settingsArgs, tapRoute } from '../src/inbox/logic.js';

const WORKFLOW = ['hazard_reported', 'hazard_assigned', 'hazard_rectified', 'hazard_verified', 'hazard_sent_back', 'hazard_dismissed', 'lockout_confirm', 'drill_invited', 'training_invited'];

describe('notification kinds', () => {
  it('are the server list, each shown in 消息设置 once: a switch, or a row that says it cannot be switched off', () => {
    expect(KINDS).toEqual(SERVER_KINDS.map((k) => k.kind));
    const shown = [...OPTIONAL_KINDS, ...CRITICAL_KINDS, ...MANDATORY_KINDS];
    expect([...shown].sort()).toEqual([...KINDS].sort());
    expect(new Set(shown).size).toBe(KINDS.length);
  });

  it('offer a switch for every workflow kind and none for a notice or a critical kind', () => {
    for (const kind of WORKFLOW) expect(OPTIONAL_KINDS).toContain(kind);
    expect(OPTIONAL_KINDS).not.toContain('notice');
    expect(MANDATORY_KINDS).toEqual(['notice']);
    expect(CRITICAL_KINDS).toEqual(['major_hazard_reported', 'major_hazard_overdue']);
    // Switching notices off was sent to the server, which refuses it: the form no longer lets it through.
    expect(settingsArgs({ push_enabled: true, opt_out: ['notice', 'hazard_assigned'], quiet: { enabled: false } }).args.opt_out).toEqual(['hazard_assigned']);
  });

  it('each have a Chinese and an English label, and the server name as a fallback', () => {
    for (const kind of KINDS) {
      expect(zh.kind[kind], kind).toMatch(/[\u4e00-\u9fff]/);
      expect(en.kind[kind], kind).toBeTruthy();
    }
    expect(Object.keys(zh.kind).sort()).toEqual([...KINDS].sort());
    // 消息设置 names each kind by the server's own label (the tags use the short ones above).
    for (const k of SERVER_KINDS) expect(k.zh, k.kind).toMatch(/^[\u4e00-\u9fff][\u4e00-\u9fff /]*$/);
    expect(serverKindLabel('hazard_assigned', 'zh-CN')).toBe('隐患整改任务');
    expect(serverKindLabel('nope', 'zh-CN')).toBe('');
  });
});

describe('a tap in the inbox', () => {
  it('opens the record a workflow notification is about', () => {
    expect(tapRoute({ id: 'n1', kind: 'hazard_assigned', url: '/#/hazards/h1' })).toBe('/hazards/h1');
    expect(tapRoute({ id: 'n2', kind: 'lockout_confirm', url: 'https://anquan.example.cn/#/lockouts/l1' })).toBe('/inbox/n2');
    expect(tapRoute({ id: 'n3', kind: 'training_invited', url: '/#/trainings/t1' })).toBe('/trainings/t1');
  });

  it('opens the notification itself for a notice (确认收到) or when it points nowhere in particular', () => {
    expect(tapRoute({ id: 'n1', kind: 'notice', notice_id: 'x', url: '/notices/x' })).toBe('/inbox/n1');
    expect(tapRoute({ id: 'n2', kind: 'drill_due', url: '/#/' })).toBe('/inbox/n2');
    expect(tapRoute({ id: 'n3', kind: 'digest_daily', url: null })).toBe('/inbox/n3');
  });
});
