// The page a tapped notification opens: absolute links on PUBLIC_BASE_URL, older relative ones, never elsewhere.
import { describe, expect, it } from 'vitest';
import { appLink } from '../src/sw/links.js';

const ORIGIN = 'http://127.0.0.1:5000';

describe('appLink', () => {
  it('opens a same-origin absolute link as it is', () => {
    expect(appLink(`${ORIGIN}/#/hazards/h-1`, ORIGIN)).toBe(`${ORIGIN}/#/hazards/h-1`);
  });
  it('opens the route of a link on another base address here', () => {
    expect(appLink('https://anquan.example.cn/#/notices/n-1', ORIGIN)).toBe(`${ORIGIN}/#/notices/n-1`);
  });
  it('reads a bare path as the same hash route', () => {
    expect(appLink('/notices/n-1', ORIGIN)).toBe(`${ORIGIN}/#/notices/n-1`);
    expect(appLink('/#/me', ORIGIN)).toBe(`${ORIGIN}/#/me`);
  });
  it('never opens another site, and falls back to the home page', () => {
    expect(appLink('https://evil.example/phish', ORIGIN)).toBe(`${ORIGIN}/`);
    expect(appLink('javascript:alert(1)', ORIGIN)).toBe(`${ORIGIN}/`);
    expect(appLink(undefined, ORIGIN)).toBe(`${ORIGIN}/`);
  });
});
