import { describe, expect, it } from 'vitest';
import { codeHref, parseRoute } from '../../../src/ui/lib/routes.ts';

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const SECRET = 'bbbbbbbbbbbbbbbbbbbbbb';
const at = (pathname: string, hash = '') => parseRoute({ pathname, hash });

describe('ui routes', () => {
  it('sends / to the share view', () => {
    expect(at('/')).toEqual({ view: 'share' });
    expect(at('/index.html')).toEqual({ view: 'share' });
  });

  it('reads sharer links (/s/) as receive and receiver links (/r/) as share-to-receiver', () => {
    expect(at(`/s/${ID}`, `#${SECRET}`)).toEqual({
      view: 'receive',
      by: 'link',
      sessionId: ID,
      secret: SECRET,
    });
    expect(at(`/r/${ID}/`, `#${SECRET}`)).toEqual({
      view: 'share-to-receiver',
      sessionId: ID,
      secret: SECRET,
    });
  });

  it('explains a link without its secret or with a bad id', () => {
    expect(at(`/s/${ID}`)).toMatchObject({ view: 'invalid', message: expect.stringContaining('secret') });
    expect(at('/s/short', `#${SECRET}`)).toMatchObject({ view: 'invalid' });
    expect(at('/elsewhere')).toMatchObject({ view: 'invalid' });
  });

  it('reads a code from the fragment, forgiving case and separators', () => {
    expect(at('/code', '#7-Amber-falcon')).toEqual({
      view: 'receive',
      by: 'code',
      code: { nameplate: '7', words: ['amber', 'falcon'] },
    });
    expect(at('/code', '#7-amber-falcn')).toMatchObject({
      view: 'invalid',
      message: expect.stringContaining('falcn'),
    });
    expect(codeHref(' 07 AMBER falcon ')).toBe('/code#7-amber-falcon');
  });
});
