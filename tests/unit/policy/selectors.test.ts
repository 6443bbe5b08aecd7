/** The --allow / --deny selector grammar: canonical round trips, and every bad input a typed SelectorError. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ANY,
  formatSelector,
  parseSelector,
  parseSelectorList,
  SelectorError,
} from '../../../src/receiver/policy/index.ts';
import { selectorArb } from './arbitraries.ts';

const u16 = fc.integer({ min: 0, max: 0xffff });

function errorOf(text: string): SelectorError {
  try {
    parseSelector(text);
  } catch (error) {
    if (error instanceof SelectorError) return error;
    throw error;
  }
  throw new Error(`'${text}' parsed`);
}

describe('device selectors', () => {
  it('parses the forms the docs show', () => {
    expect(parseSelector('046d:c626')).toEqual({ kind: 'ids', vendorId: 0x046d, productId: 0xc626 });
    expect(parseSelector('046d:*')).toEqual({ kind: 'ids', vendorId: 0x046d, productId: ANY });
    expect(parseSelector('*:c626')).toEqual({ kind: 'ids', vendorId: ANY, productId: 0xc626 });
    expect(parseSelector('usage:01:05')).toEqual({ kind: 'usage', page: 1, usage: 5 });
    expect(parseSelector('usage:ff00:*')).toEqual({ kind: 'usage', page: 0xff00, usage: ANY });
    expect(parseSelector('class:03')).toEqual({ kind: 'class', code: 3 });
    expect(parseSelector(' USAGE:0x1:0X8 ')).toEqual({ kind: 'usage', page: 1, usage: 8 });
    expect(parseSelectorList('046d:c626,usage:01:08')).toHaveLength(2);
  });

  it('round-trips every selector through its canonical text', () => {
    fc.assert(
      fc.property(selectorArb, (selector) => {
        expect(parseSelector(formatSelector(selector))).toEqual(selector);
      }),
    );
  });

  it('reads upper case, 0x and surrounding spaces as the same selector', () => {
    fc.assert(
      fc.property(selectorArb, fc.boolean(), (selector, spaces) => {
        const text = formatSelector(selector)
          .toUpperCase()
          .split(':')
          .map((part) => (/^[0-9A-F]+$/.test(part) ? `0x${part}` : part))
          .join(':');
        expect(parseSelector(spaces ? `  ${text}\t` : text)).toEqual(selector);
      }),
    );
  });

  it('throws only SelectorError on any text, and what parses formats back to itself', () => {
    const alphabet = fc.constantFrom(...'0123456789abcdefxXgz:*,usageclas -'.split(''));
    const text = fc.oneof(fc.string(), fc.string({ unit: alphabet, maxLength: 24 }));
    fc.assert(
      fc.property(text, (input) => {
        try {
          const selector = parseSelector(input);
          expect(parseSelector(formatSelector(selector))).toEqual(selector);
        } catch (error) {
          expect(error).toBeInstanceOf(SelectorError);
          expect((error as SelectorError).selector).toBe(input);
          expect((error as SelectorError).message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('refuses numbers that do not fit, naming the field', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0x10000, max: 0xffffffff }), u16, (big, small) => {
        const hex = (value: number) => value.toString(16);
        expect(errorOf(`${hex(big)}:${hex(small)}`)).toMatchObject({ code: 'out-of-range' });
        expect(errorOf(`usage:${hex(small)}:${hex(big)}`).message).toMatch(/usage '.*' .* does not fit in 4/);
      }),
    );
    expect(errorOf('class:100')).toMatchObject({ code: 'out-of-range' });
  });

  it('says what is wrong with a bad selector', () => {
    expect(errorOf('')).toMatchObject({ code: 'empty' });
    expect(errorOf('046d:zz').message).toMatch(/product id 'zz' in '046d:zz' is not hexadecimal/);
    expect(errorOf('usage:01').message).toMatch(/expected usage:PAGE:USAGE/);
    expect(errorOf('class:03:01')).toMatchObject({ code: 'malformed' });
    expect(errorOf('serial:abc:1')).toMatchObject({ code: 'unknown-kind' });
    expect(errorOf('046d')).toMatchObject({ code: 'malformed' });
    expect(errorOf('usage:*:01')).toMatchObject({ code: 'bad-hex' });
    expect(() => parseSelectorList('046d:c626,')).toThrow(SelectorError);
  });
});
