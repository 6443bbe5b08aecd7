/** The secret leaves the URL once read, and this tab's storage brings it back for a reload or Back. */
import { describe, expect, it } from 'vitest';
import { takeRoute } from '../../../src/ui/lib/route-secret.ts';

const SESSION = 'S'.repeat(22);
const SECRET = 'k'.repeat(22);

/** A tab: its address bar and session history entry, and its sessionStorage. */
function tab(path: string) {
  const url = new URL(path, 'https://ferry.example');
  const entries = new Map<string, string>();
  const location = { pathname: url.pathname, search: url.search, hash: url.hash };
  const history = {
    state: null,
    replaceState(_state: unknown, _title: string, next: string) {
      const replaced = new URL(next, url);
      Object.assign(location, { pathname: replaced.pathname, search: replaced.search, hash: replaced.hash });
    },
  };
  const storage = {
    getItem: (key: string) => entries.get(key) ?? null,
    setItem: (key: string, value: string) => void entries.set(key, value),
  };
  return { location, history, storage, entries };
}

describe('takeRoute', () => {
  it('reads a share link, then drops its fragment from the URL and keeps it for this tab', () => {
    const page = tab(`/s/${SESSION}?x=1#${SECRET}`);
    expect(takeRoute(page.location, page.history, page.storage)).toEqual({
      view: 'receive',
      by: 'link',
      sessionId: SESSION,
      secret: SECRET,
    });
    expect(page.location).toEqual({ pathname: `/s/${SESSION}`, search: '?x=1', hash: '' });
    expect([...page.entries.values()]).toEqual([`#${SECRET}`]);
    // A reload: the same URL, now without the fragment.
    expect(takeRoute(page.location, page.history, page.storage)).toMatchObject({ secret: SECRET });
  });

  it('does the same for receiver-first links and short codes', () => {
    const receiverFirst = tab(`/r/${SESSION}#${SECRET}`);
    expect(takeRoute(receiverFirst.location, receiverFirst.history, receiverFirst.storage).view).toBe(
      'share-to-receiver',
    );
    expect(receiverFirst.location.hash).toBe('');
    const code = tab('/code#7-amber-falcon');
    expect(takeRoute(code.location, code.history, code.storage)).toMatchObject({
      view: 'receive',
      by: 'code',
    });
    expect(code.location.hash).toBe('');
    expect(takeRoute(code.location, code.history, code.storage)).toMatchObject({
      view: 'receive',
      by: 'code',
    });
  });

  it('leaves a malformed link as it is, and a link without a kept secret says it is missing', () => {
    const broken = tab(`/s/${SESSION}#short`);
    expect(takeRoute(broken.location, broken.history, broken.storage).view).toBe('invalid');
    expect(broken.location.hash).toBe('#short');
    const fresh = tab(`/s/${SESSION}`);
    expect(takeRoute(fresh.location, fresh.history, fresh.storage)).toMatchObject({
      view: 'invalid',
      message: expect.stringMatching(/missing its secret/),
    });
  });

  it('still drops the fragment when storage refuses to keep it', () => {
    const page = tab(`/s/${SESSION}#${SECRET}`);
    const refusing = {
      getItem: () => null,
      setItem: () => {
        throw new DOMException('quota', 'QuotaExceededError');
      },
    };
    expect(takeRoute(page.location, page.history, refusing)).toMatchObject({ secret: SECRET });
    expect(page.location.hash).toBe('');
  });
});
