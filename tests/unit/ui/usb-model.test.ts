import { describe, expect, it } from 'vitest';
import { gadgetZeroDescriptors } from '../../../src/devices/usb/simulated/gadget-zero-descriptors.ts';
import { UsbDescriptorSet } from '../../../src/protocol/index.ts';
import { HexParseError } from '../../../src/ui/lib/hex.ts';
import {
  bcd,
  controlRequest,
  describeUsbResult,
  endpointLabel,
  parseNumberField,
  transferEndpoints,
  UsbStatusError,
  usbIds,
  usbSummary,
} from '../../../src/ui/lib/usb-model.ts';

const fields = { requestType: '0xc0', request: '0x5c', value: '0', index: '0', length: '16', data: '' };

describe('parseNumberField', () => {
  it('takes 0x hex and decimal, and refuses the rest', () => {
    expect(parseNumberField('x', '0x5B', 0xff)).toBe(0x5b);
    expect(parseNumberField('x', ' 64 ', 0xff)).toBe(64);
    expect(() => parseNumberField('x', '5b', 0xff)).toThrow(HexParseError);
    expect(() => parseNumberField('x', '', 0xff)).toThrow(HexParseError);
    expect(() => parseNumberField('wValue', '0x10000', 0xffff)).toThrow(/wValue/);
  });
});

describe('controlRequest', () => {
  it('IN reads wLength and carries no data', () => {
    const { setup, data } = controlRequest({ ...fields, data: 'ff' });
    expect(setup).toEqual({ requestType: 0xc0, request: 0x5c, value: 0, index: 0, length: 16 });
    expect(data.length).toBe(0);
  });

  it('OUT takes wLength from the hex data', () => {
    const { setup, data } = controlRequest({
      ...fields,
      requestType: '0x40',
      length: 'ignored',
      data: '01 02 03',
    });
    expect(setup.length).toBe(3);
    expect([...data]).toEqual([1, 2, 3]);
  });
});

describe('describeUsbResult', () => {
  it('shows IN bytes, OUT counts, and throws any other status', () => {
    const bytes = Uint8Array.of(0xde, 0xad);
    expect(describeUsbResult({ status: 'ok', data: bytes, actualLength: 2 }, true)).toBe(
      'ok · 2 bytes: de ad',
    );
    expect(describeUsbResult({ status: 'ok', data: new Uint8Array(0), actualLength: 5 }, false)).toBe(
      'ok · 5 bytes written',
    );
    expect(() => describeUsbResult({ status: 'stall', data: bytes, actualLength: 0 }, true)).toThrow(
      UsbStatusError,
    );
  });

  it('cuts long IN data short', () => {
    const text = describeUsbResult({ status: 'ok', data: new Uint8Array(600), actualLength: 600 }, true);
    expect(text.startsWith('ok · 600 bytes: 00 00')).toBe(true);
    expect(text.endsWith(' …')).toBe(true);
  });
});

describe('descriptors → what the panel shows', () => {
  it('names Gadget Zero and lists its bulk endpoints per configuration', () => {
    const set = new UsbDescriptorSet(gadgetZeroDescriptors());
    expect(usbSummary(set)).toEqual({
      name: 'Gadget Zero',
      manufacturer: 'Ferry simulation',
      vendorId: 0x0525,
      productId: 0xa4a0,
      usbVersion: 'USB 2.01',
    });
    expect(usbIds(0x525, 0xa4a0)).toBe('0525:a4a0');
    expect(bcd(0x0200)).toBe('2.00');
    // Source/sink's alternate 1 adds isochronous endpoints, which a bulk/interrupt form does not offer.
    expect(transferEndpoints(set.configuration(3)).map(endpointLabel)).toEqual([
      'bulk OUT 0x01 (512 B)',
      'bulk IN 0x81 (512 B)',
    ]);
    expect(transferEndpoints(undefined)).toEqual([]);
  });
});
