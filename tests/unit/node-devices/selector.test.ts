/**
 * `ferry share`'s device selectors: the forms parse (and nothing else does, with a typed error), they
 * pick the device ferry list shows (HID first for a bare VID:PID), a selector that matches nothing or
 * several lists what there is, and what ferry list prints names its device again (round trip).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DeviceInfo,
  matchSelector,
  matchSelectors,
  parseSelector,
  placeOf,
  ShareSelectorError,
  selectorFor,
} from '../../../src/node-devices/index.ts';
import { deviceLists, hidDevice, usbDevice } from './device-arbitraries.ts';

function errorOf(run: () => unknown): ShareSelectorError {
  try {
    run();
  } catch (error) {
    if (error instanceof ShareSelectorError) return error;
    throw error;
  }
  throw new Error('expected a ShareSelectorError');
}

describe('parseSelector', () => {
  it('reads each form', () => {
    expect(parseSelector('046d:c52b')).toMatchObject({
      kind: 'ids',
      backend: undefined,
      vendorId: 0x046d,
      productId: 0xc52b,
      serial: undefined,
    });
    expect(parseSelector('1209:1:AB:12')).toMatchObject({ vendorId: 0x1209, productId: 1, serial: 'AB:12' });
    expect(parseSelector('USB:0x046D:0xC52B')).toMatchObject({
      backend: 'usb',
      vendorId: 0x046d,
      productId: 0xc52b,
    });
    expect(parseSelector('hid:046d:c52b')).toMatchObject({ kind: 'ids', backend: 'hid' });
    expect(parseSelector('/dev/hidraw3')).toMatchObject({ kind: 'path', path: '/dev/hidraw3' });
    expect(parseSelector('hid:/dev/hidraw3')).toMatchObject({ kind: 'path', path: '/dev/hidraw3' });
    expect(parseSelector('hid:IOService:/AppleACPI/USB')).toMatchObject({
      kind: 'path',
      path: 'IOService:/AppleACPI/USB',
    });
    expect(parseSelector('usb:1-4')).toMatchObject({ kind: 'usb-address', bus: 1, address: 4 });
  });

  it('rejects anything else with a malformed ShareSelectorError naming the forms', () => {
    for (const text of [
      '',
      '046d',
      '046dc:1',
      'g46d:c52b',
      '046d:c52b:',
      '1-4',
      'usb:1-0',
      'usb:1-128',
      'usb:256-1',
      'usb:/dev/hidraw0',
      '/',
      'hid:',
      'usb:',
    ]) {
      const error = errorOf(() => parseSelector(text));
      expect(error.code, text).toBe('malformed');
      expect(error.message).toContain('VID:PID');
    }
  });

  it('throws nothing but ShareSelectorError, for any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^(hid:|usb:)?[0-9a-fx:/-]{0,14}$/)), (text) => {
        try {
          parseSelector(text);
        } catch (error) {
          expect(error).toBeInstanceOf(ShareSelectorError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('matchSelector', () => {
  const mouseHid = hidDevice();
  const mouseUsb = usbDevice();
  const gadget = usbDevice({ vendorId: 0x1209, productId: 0x0001, bus: 2, address: 3, serial: 'G1' });
  const devices: DeviceInfo[] = [mouseHid, mouseUsb, gadget];

  it('shares a bare VID:PID as HID when a HID device matches, as USB otherwise', () => {
    expect(matchSelector(parseSelector('046d:c52b'), devices)).toBe(mouseHid);
    expect(matchSelector(parseSelector('usb:046d:c52b'), devices)).toBe(mouseUsb);
    expect(matchSelector(parseSelector('1209:0001'), devices)).toBe(gadget);
    expect(matchSelector(parseSelector('1209:1:G1'), devices)).toBe(gadget);
    expect(matchSelector(parseSelector('usb:2-3'), devices)).toBe(gadget);
    expect(matchSelector(parseSelector('/dev/hidraw0'), devices)).toBe(mouseHid);
  });

  it('a selector that matches nothing lists what there is', () => {
    const error = errorOf(() => matchSelector(parseSelector('1209:0002'), devices));
    expect(error.code).toBe('no-match');
    expect(error.message).toBe(
      'no device matches 1209:0002: there are: hid 046d:c52b /dev/hidraw0 Logitech USB Receiver; usb 046d:c52b usb:1-4 Logitech USB Receiver; usb 1209:0001 usb:2-3 Logitech USB Receiver serial G1',
    );
    expect(errorOf(() => matchSelector(parseSelector('1209:0001'), [])).message).toBe(
      'no device matches 1209:0001: no HID or USB devices are connected (or none this user may open)',
    );
    expect(errorOf(() => matchSelector(parseSelector('1209:1:other'), devices)).code).toBe('no-match');
  });

  it('a selector that matches several is ambiguous and lists them with their paths', () => {
    const twin = hidDevice({ path: '/dev/hidraw1' });
    const error = errorOf(() => matchSelector(parseSelector('046d:c52b'), [mouseHid, twin]));
    expect(error.code).toBe('ambiguous');
    expect(error.message).toMatch(/^046d:c52b matches 2 devices; .*\/dev\/hidraw0.*\/dev\/hidraw1/);
  });

  it('several selectors give their devices in order; naming one device twice is an error', () => {
    expect(matchSelectors(['usb:2-3', '046d:c52b'], devices)).toEqual([gadget, mouseHid]);
    expect(errorOf(() => matchSelectors(['usb:2-3', '1209:0001'], devices)).code).toBe('ambiguous');
  });

  it('round trip: the PATH ferry list prints, and the plainest selector, name that device again', () => {
    fc.assert(
      fc.property(deviceLists, (list) => {
        for (const device of list) {
          expect(matchSelector(parseSelector(placeOf(device)), list)).toBe(device);
          expect(matchSelector(parseSelector(selectorFor(device, list)), list)).toBe(device);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never throws anything but ShareSelectorError, whatever the selector and the devices', () => {
    fc.assert(
      fc.property(fc.string(), deviceLists, (text, list) => {
        try {
          matchSelector(parseSelector(text), list);
        } catch (error) {
          expect(error).toBeInstanceOf(ShareSelectorError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
