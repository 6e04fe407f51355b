// QR maths: the training code equals the server's HMAC (checked with node's crypto), badges parse, USCC checks.
import { describe, it, expect } from 'vitest';
import { createHmac, randomBytes } from 'node:crypto';
import { macOf, codeFor, windowOf, parseTrainingCode, newSecret, base64urlDecode, base64urlEncode } from '../src/training/code.js';
import { parseBadge } from '../src/people/badge.js';
import { isValidUscc, usccCheckChar } from '../src/people/uscc.js';

const SESSION = '01937c4e-8a6b-7c1d-9e2f-0a1b2c3d4e5f';

describe('training sign-in code', () => {
  it('computes the same mac as the server (HMAC-SHA256, first 16 hex)', async () => {
    const bytes = randomBytes(32);
    const secret = bytes.toString('base64url');
    const window = 58_000_000;
    const expected = createHmac('sha256', bytes).update(`${SESSION}.${window}`).digest('hex').slice(0, 16);
    expect(await macOf(SESSION, secret, window)).toBe(expected);
    expect(await codeFor(SESSION, secret, window)).toBe(`T1.${SESSION}.${window}.${expected}`);
  });

  it('uses 30-second windows of unix time', () => {
    expect(windowOf(Date.UTC(2026, 10, 29, 8, 0, 29) )).toBe(Math.floor(Date.UTC(2026, 10, 29, 8, 0, 0) / 30000));
    expect(windowOf(30_000)).toBe(1);
    expect(windowOf(29_999)).toBe(0);
  });

  it('makes 32-byte base64url secrets that round-trip', () => {
    const secret = newSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(base64urlDecode(secret)).toHaveLength(32);
    expect(base64urlEncode(base64urlDecode(secret))).toBe(secret);
  });

  it('parses a scanned code and refuses other text', async () => {
    const code = await codeFor(SESSION, newSecret(), 123);
    expect(parseTrainingCode(code)).toMatchObject({ sessionId: SESSION, window: 123 });
    expect(parseTrainingCode(`P1.${SESSION}.0123456789abcdef`)).toBeNull();
    expect(parseTrainingCode('hello')).toBeNull();
  });
});

describe('badge', () => {
  it('reads the user id from a badge QR', () => {
    expect(parseBadge(` P1.${SESSION}.0123456789abcdef `)).toEqual({ userId: SESSION, mac: '0123456789abcdef' });
    expect(parseBadge(`P1.${SESSION}.xyz`)).toBeNull();
    expect(parseBadge(`T1.${SESSION}.1.0123456789abcdef`)).toBeNull();
  });
});

describe('USCC', () => {
  it('accepts the examples of domain.md and refuses a wrong check character', () => {
    expect(isValidUscc('91350100M000100Y43')).toBe(true);
    expect(isValidUscc('91512081MA62K0260E')).toBe(true);
    expect(isValidUscc('91350100M000100Y44')).toBe(false);
    expect(isValidUscc('91350100M000100Y4')).toBe(false);
    expect(usccCheckChar('91350100M000100Y4')).toBe('3');
  });
});
