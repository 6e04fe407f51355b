// Every command type the server registers has a Chinese (and an English) label; none reaches a person raw.
import { describe, it, expect } from 'vitest';
import types from '../src/i18n/command-types.json';
import zh from '../src/i18n/zh-CN.json';
import en from '../src/i18n/en.json';
import { commandKey, entityKey } from '../src/i18n/commandLabels.js';

const lookup = (messages, key) => key.split('.').reduce((node, part) => node?.[part], messages);
const hasIn = (messages) => (key) => typeof lookup(messages, key) === 'string';
const LATIN = /[A-Za-z]/;

describe('command labels', () => {
  it('has the server list to check against (scripts/command_types.py writes it; pytest keeps it current)', () => {
    expect(Object.keys(types).length).toBeGreaterThanOrEqual(47);
    expect(types['lockout.verify_zero_energy']).toBe('lockout');
  });

  it.each(Object.keys(types))('labels %s in Chinese, without a Latin letter, and in English', (type) => {
    const label = lookup(zh, commandKey(type, hasIn(zh)));
    expect(commandKey(type, hasIn(zh))).toBe(`command.${type}`);
    expect(label).toMatch(/\p{Script=Han}/u);
    expect(label).not.toMatch(LATIN);
    expect(commandKey(type, hasIn(en))).toBe(`command.${type}`);
  });

  it.each([...new Set(Object.values(types))])('names the record type %s in Chinese', (entity) => {
    expect(entityKey(entity, hasIn(zh))).toBe(`entityName.${entity}`);
    expect(lookup(zh, `entityName.${entity}`)).not.toMatch(LATIN);
    expect(entityKey(entity, hasIn(en))).toBe(`entityName.${entity}`);
  });

  it('names an unknown type 其他操作 rather than showing it', () => {
    expect(commandKey('robot.dance', hasIn(zh))).toBe('command.unknown');
    expect(lookup(zh, 'command.unknown')).toBe('其他操作');
    expect(entityKey('robot', hasIn(zh))).toBe('entityName.unknown');
    expect(commandKey('lockout', hasIn(zh))).toBe('command.unknown');
  });
});
