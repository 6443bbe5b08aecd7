/**
 * How `ferry share`'s positionals split into device selectors and a link or code (docs/share.md,
 * "Choosing devices"); every fault is one ShareArgumentsError line, never anything else.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShareArgumentsError, splitShareArguments } from '../../../src/cli/share-arguments.ts';

const LINK = `http://localhost:8080/r/${'A'.repeat(22)}#${'B'.repeat(22)}`;
const CODE = '482913-amber-falcon';

function messageOf(positionals: string[], replay = false): string {
  try {
    splitShareArguments(positionals, replay);
  } catch (error) {
    if (error instanceof ShareArgumentsError) return error.message;
    throw error;
  }
  throw new Error('expected a ShareArgumentsError');
}

describe('splitShareArguments', () => {
  it('the last positional is the link or code when it is one; the others are devices', () => {
    expect(splitShareArguments(['046d:c52b', '1209:0001', LINK], false)).toEqual({
      selectors: ['046d:c52b', '1209:0001'],
      target: LINK,
    });
    expect(splitShareArguments(['usb:1-4', CODE], false)).toEqual({ selectors: ['usb:1-4'], target: CODE });
    expect(splitShareArguments(['/dev/hidraw0', 'usb:1-4'], false)).toEqual({
      selectors: ['/dev/hidraw0', 'usb:1-4'],
      target: undefined,
    });
  });

  it('needs a device, unless --replay', () => {
    expect(messageOf([])).toMatch(/^name a device to share, VID:PID.*or a recording with --replay FILE$/);
    expect(messageOf([LINK])).toMatch(/^name a device to share/);
    expect(splitShareArguments([], true)).toEqual({ selectors: [], target: undefined });
    expect(splitShareArguments([CODE], true)).toEqual({ selectors: [], target: CODE });
  });

  it('--replay takes no device', () => {
    expect(messageOf(['046d:c52b'], true)).toMatch(/^--replay shares a recording, not devices/);
    expect(messageOf(['046d:c52b', LINK], true)).toMatch(/^--replay shares a recording/);
  });

  it("a malformed link or code says what is wrong with it; anything else, a selector's forms", () => {
    expect(messageOf(['046d:c52b', '7-amber-flacon'])).toBe(
      '"flacon" is not a code word; check the spelling',
    );
    expect(messageOf(['7-amber-flacon'], true)).toBe('"flacon" is not a code word; check the spelling');
    expect(messageOf(['046d:c52b', 'http://localhost:8080/s/nope#x'])).toBe(
      'this link does not name a Ferry session',
    );
    expect(messageOf(['046d:c52b', 'mouse'])).toMatch(/^"mouse" is not a device: expected VID:PID/);
    expect(messageOf(['mouse', LINK])).toMatch(/^"mouse" is not a device/);
  });

  it('throws nothing but ShareArgumentsError, whatever the positionals', () => {
    const word = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(LINK, CODE, '046d:c52b', 'usb:1-4', '/dev/hidraw0', '7-amber-flacon', 'http://x/r/y#z'),
    );
    fc.assert(
      fc.property(fc.array(word, { maxLength: 4 }), fc.boolean(), (positionals, replay) => {
        try {
          const { selectors, target } = splitShareArguments(positionals, replay);
          expect(selectors.length + (target === undefined ? 0 : 1)).toBe(positionals.length);
        } catch (error) {
          expect(error).toBeInstanceOf(ShareArgumentsError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
