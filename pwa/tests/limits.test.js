// The forms' limits come from the server's published schemas and stop a too-long or missing field in Chinese.
import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import zhCN from '../src/i18n/zh-CN.json';
import LIMITS from '../src/generated/limits.json';
import { checkArgs, checkValue, fieldProps, formFields, limitsFor, mustFill } from '../src/lib/limits.js';

const { t } = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zhCN } }).global;
const run = (rules, value) => rules.map((rule) => rule.validator(value)).find((answer) => answer !== true) ?? true;

describe('limitsFor', () => {
  it('reads the hazard report limits the server publishes', () => {
    const report = limitsFor('hazard.report');
    expect(report.description.maxLength).toBe(5000);
    expect(report.title).toMatchObject({ minLength: 1, maxLength: 200, required: true });
    expect(report.severity.enum).toEqual(['general', 'major']);
  });

  it('refuses a form the server does not publish', () => {
    expect(() => limitsFor('hazard.nonsense')).toThrow(/no published limits/);
  });

  it('covers the login form', () => {
    expect(Object.keys(LIMITS)).toContain('auth.login');
    expect(mustFill(limitsFor('auth.login').username)).toBe(true);
  });
});

describe('fieldProps', () => {
  it('gives a description its maxlength and word counter but allows it empty', () => {
    const props = fieldProps('hazard.report', 'description', '隐患描述', t);
    expect(props).toMatchObject({ maxlength: 5000, showWordLimit: true, required: false });
    expect(fieldProps('auth.login', 'password', '密码', t).showWordLimit).toBe(false);
    expect(run(props.rules, '')).toBe(true);
    expect(run(props.rules, 'a'.repeat(5000))).toBe(true);
    expect(run(props.rules, 'a'.repeat(5001))).toBe('隐患描述最多 5000 个字');
  });

  it('counts characters as the server does: one per code point', () => {
    const props = fieldProps('hazard.report', 'title', '隐患名称', t);
    expect(run(props.rules, '😀'.repeat(200))).toBe(true);
    expect(run(props.rules, '😀'.repeat(201))).toBe('隐患名称最多 200 个字');
  });

  it('names the missing field of a required text, blank counting as missing', () => {
    const fields = formFields('auth.login', { username: '用户名', password: '密码' }, t);
    expect(fields.username.required).toBe(true);
    expect(run(fields.username.rules, '')).toBe('请填写用户名');
    expect(run(fields.username.rules, '   ')).toBe('请填写用户名');
    expect(run(fields.password.rules, 'x')).toBe(true);
  });

  it('keeps short fields free of a word counter', () => {
    expect(fieldProps('hazard.report', 'category', '类别', t)).toMatchObject({ maxlength: 64, showWordLimit: false, required: false });
  });

  it('refuses a field the schema does not have', () => {
    expect(() => fieldProps('hazard.report', 'colour', 'x', t)).toThrow(/no field colour/);
  });
});

describe('checkValue and checkArgs', () => {
  it('asks to choose a required enum and refuses a value outside it', () => {
    const severity = limitsFor('hazard.report').severity;
    expect(checkValue(severity, '', '隐患等级', t)).toBe('请填写隐患等级');
    expect(checkValue(severity, 'medium', '隐患等级', t)).toBe('请选择隐患等级');
    expect(checkValue(severity, 'major', '隐患等级', t)).toBe('');
  });

  it('applies a published pattern', () => {
    const username = limitsFor('user.create').username;
    expect(checkValue(username, 'Zhang San', '登录名', t)).toBe('登录名格式不正确');
    expect(checkValue(username, 'zhang.san', '登录名', t)).toBe('');
  });

  it('returns the first problem of a command’s args', () => {
    const labels = { title: '隐患名称', description: '隐患描述', location: '位置' };
    expect(checkArgs('hazard.report', { title: '油罐', description: 'x'.repeat(5001), location: '' }, labels, t)).toBe('隐患描述最多 5000 个字');
    expect(checkArgs('hazard.report', { title: '油罐', description: '', location: '' }, labels, t)).toBe('请填写位置');
    expect(checkArgs('hazard.report', { title: '油罐', description: '', location: '东区' }, labels, t)).toBe('');
  });
});
