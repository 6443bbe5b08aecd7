import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildShareLink,
  buildShortCode,
  CODE_WORDS,
  createCodeWords,
  createShareSecret,
  parseJoinTarget,
  parseShareLink,
  parseShortCode,
  SessionLinkError,
} from '../../../src/transport/session-link.ts';

const sessionId = 'AbCdEfGhIjKlMnOpQrStUv';

function linkErrorCode(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    if (error instanceof SessionLinkError) return error.code;
    throw error;
  }
  throw new Error('expected a SessionLinkError');
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

describe('code words', () => {
  it('has 256 distinct short lowercase words', () => {
    expect(CODE_WORDS).toHaveLength(256);
    expect(new Set(CODE_WORDS).size).toBe(256);
    for (const word of CODE_WORDS) expect(word).toMatch(/^[a-z]{3,7}$/);
  });

  it('has no two words one edit apart, so a single typo never yields another valid word', () => {
    const tooClose: string[] = [];
    for (const [i, a] of CODE_WORDS.entries()) {
      for (const b of CODE_WORDS.slice(i + 1)) if (editDistance(a, b) <= 1) tooClose.push(`${a}/${b}`);
    }
    expect(tooClose).toEqual([]);
  });

  it('draws words from the list', () => {
    for (let n = 0; n < 50; n++) {
      for (const word of createCodeWords()) expect(CODE_WORDS).toContain(word);
    }
  });
});

describe('share links', () => {
  it('makes 22-character base64url secrets that differ each time', () => {
    const secrets = new Set(Array.from({ length: 20 }, createShareSecret));
    expect(secrets.size).toBe(20);
    for (const secret of secrets) expect(secret).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('round-trips a link, keeping the secret in the fragment', () => {
    const secret = createShareSecret();
    const link = buildShareLink('https://ferry.example/', sessionId, secret);
    expect(link).toBe(`https://ferry.example/s/${sessionId}#${secret}`);
    expect(new URL(link).pathname).not.toContain(secret);
    expect(parseShareLink(link)).toEqual({ sessionId, secret, createdBy: 'sharer' });
  });

  it("marks a waiting receiver's link with /r/ so whoever opens it shares to that receiver", () => {
    const secret = createShareSecret();
    const link = buildShareLink('http://localhost:8080', sessionId, secret, 'receiver');
    expect(link).toBe(`http://localhost:8080/r/${sessionId}#${secret}`);
    expect(parseShareLink(link)).toEqual({ sessionId, secret, createdBy: 'receiver' });
  });

  it('accepts the ?s= query form and surrounding whitespace', () => {
    const secret = createShareSecret();
    expect(parseShareLink(`  http://localhost:8080/?s=${sessionId}#${secret}\n`)).toEqual({
      sessionId,
      secret,
      createdBy: 'sharer',
    });
  });

  it.each([
    ['not a url', 'bad-link'],
    ['https://ferry.example/', 'bad-link'],
    [`https://ferry.example/s/short#${'A'.repeat(22)}`, 'bad-link'],
    [`https://ferry.example/s/${sessionId}`, 'missing-secret'],
    [`https://ferry.example/s/${sessionId}#short`, 'missing-secret'],
  ])('rejects %s', (input, code) => {
    expect(linkErrorCode(() => parseShareLink(input))).toBe(code);
  });
});

describe('short codes', () => {
  it('round-trips any nameplate and word pair', () => {
    const word = fc.constantFrom(...CODE_WORDS);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999 }), word, word, (number, first, second) => {
        const code = buildShortCode(String(number), [first, second]);
        expect(parseShortCode(code)).toEqual({ nameplate: String(number), words: [first, second] });
      }),
    );
  });

  it('is case-insensitive and tolerant of spaces', () => {
    const expected = { nameplate: '7', words: ['amber', 'falcon'] };
    expect(parseShortCode('7-amber-falcon')).toEqual(expected);
    expect(parseShortCode('  7 Amber  FALCON ')).toEqual(expected);
    expect(parseShortCode('7 - amber - falcon')).toEqual(expected);
    expect(parseShortCode('007-amber-falcon')).toEqual(expected);
  });

  it.each([
    ['7-amber', 'bad-code'],
    ['7-amber-falcon-otter', 'bad-code'],
    ['0-amber-falcon', 'bad-code'],
    ['seven-amber-falcon', 'bad-code'],
    ['7-amber-falconn', 'unknown-word'],
  ])('rejects %s', (input, code) => {
    expect(linkErrorCode(() => parseShortCode(input))).toBe(code);
  });
});

describe('parseJoinTarget', () => {
  it('tells codes from links', () => {
    const secret = createShareSecret();
    expect(parseJoinTarget(' 12-otter-piano')).toEqual({
      kind: 'code',
      nameplate: '12',
      words: ['otter', 'piano'],
    });
    expect(parseJoinTarget(`https://ferry.example/s/${sessionId}#${secret}`)).toEqual({
      kind: 'link',
      sessionId,
      secret,
      createdBy: 'sharer',
    });
    expect(linkErrorCode(() => parseJoinTarget('amber-falcon'))).toBe('bad-link');
  });
});
