/** The permission table (docs/security.md) as the sharer applies it, request by request. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UsbRequestMessage } from '../../../src/protocol/index.ts';
import {
  hidRequestNeeds,
  PERMISSIONS,
  type Permission,
  permits,
  usbRequestNeeds,
} from '../../../src/transport/index.ts';

const EMPTY = new Uint8Array(0);
const control = (requestType: number): UsbRequestMessage => ({
  kind: 'control',
  requestId: 1,
  setup: { requestType, request: 0, value: 0, index: 0, length: 0 },
  data: EMPTY,
});
const transfer = (endpoint: number): UsbRequestMessage => ({
  kind: 'transfer',
  requestId: 1,
  endpoint,
  length: 8,
  data: EMPTY,
});
const iso = (endpoint: number): UsbRequestMessage => ({
  kind: 'isochronous',
  requestId: 1,
  endpoint,
  packetLengths: [8],
  data: EMPTY,
});

describe('permissions', () => {
  it('each level includes the ones below it and nothing above', () => {
    const table = PERMISSIONS.map((granted) => PERMISSIONS.map((needed) => permits(granted, needed)));
    expect(table).toEqual([
      [true, false, false],
      [true, true, false],
      [true, true, true],
    ]);
  });

  it('HID: output needs input + output, feature get and set need full', () => {
    expect(hidRequestNeeds('output')).toBe('input-output');
    expect(hidRequestNeeds('feature-get')).toBe('full');
    expect(hidRequestNeeds('feature-set')).toBe('full');
  });

  it('USB: reads need input, writes input + output, device control full', () => {
    const active = 3;
    const cases: Array<[UsbRequestMessage, Permission]> = [
      [transfer(0x81), 'input'],
      [iso(0x82), 'input'],
      [{ kind: 'clear-halt', requestId: 1, endpoint: 0x81 }, 'input'],
      [{ kind: 'cancel', requestId: 2, target: 1 }, 'input'],
      [{ kind: 'select-configuration', requestId: 1, value: active }, 'input'],
      [control(0x80), 'input'], // standard, device-to-host: GET_STATUS, GET_DESCRIPTOR …
      [control(0x81), 'input'],
      [transfer(0x01), 'input-output'],
      [iso(0x02), 'input-output'],
      [{ kind: 'clear-halt', requestId: 1, endpoint: 0x01 }, 'input-output'],
      [{ kind: 'select-configuration', requestId: 1, value: 2 }, 'input-output'],
      [{ kind: 'select-alternate', requestId: 1, interfaceNumber: 0, alternateSetting: 1 }, 'input-output'],
      [control(0x00), 'full'], // standard OUT: SET_FEATURE …
      [control(0xa1), 'full'], // class IN (e.g. GET_REPORT)
      [control(0x21), 'full'], // class OUT
      [control(0xc0), 'full'], // vendor IN
      [control(0x40), 'full'], // vendor OUT
      [{ kind: 'reset', requestId: 1 }, 'full'],
    ];
    expect(cases.map(([request]) => usbRequestNeeds(request, active))).toEqual(cases.map(([, need]) => need));
  });

  it('input only never covers a request that carries data to the device', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xff }),
        fc.constantFrom<'transfer' | 'isochronous' | 'control'>('transfer', 'isochronous', 'control'),
        (byte, kind) => {
          const request =
            kind === 'control' ? control(byte) : kind === 'transfer' ? transfer(byte) : iso(byte);
          const outward = (byte & 0x80) === 0;
          if (outward) expect(permits('input', usbRequestNeeds(request, 1))).toBe(false);
        },
      ),
    );
  });
});
