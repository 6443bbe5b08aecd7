import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultNameFor, FALLBACK_NAME } from '../../../src/ui/lib/default-name.ts';

// Real user-agent strings as these browsers send them (reduced Chromium UAs, Firefox, Safari).
const CASES: Array<[string, string]> = [
  [
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36',
    'Chrome on Linux',
  ],
  [
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
    'Chrome on Android',
  ],
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
    'Edge on Windows',
  ],
  [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'Chrome on macOS',
  ],
  [
    'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'Chrome on ChromeOS',
  ],
  [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    'Safari on iOS',
  ],
  ['Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox on Linux'],
];

describe('defaultNameFor', () => {
  it.each(CASES)('names %s', (userAgent, name) => {
    expect(defaultNameFor(userAgent)).toBe(name);
  });

  it('falls back to a plain name for a user agent it cannot read', () => {
    expect(defaultNameFor('')).toBe(FALLBACK_NAME);
    expect(defaultNameFor('curl/8.0')).toBe(FALLBACK_NAME);
  });

  it('always returns a short non-empty name, whatever the string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (userAgent) => {
        const name = defaultNameFor(userAgent);
        expect(name.length).toBeGreaterThan(0);
        expect(name.length).toBeLessThanOrEqual(64);
      }),
    );
  });
});
