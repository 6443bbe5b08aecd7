import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GADGET_ZERO } from '../../../src/devices/index.ts';
import { gadgetZeroDescriptors } from '../../../src/devices/usb/simulated/gadget-zero-descriptors.ts';
import { encodeStringDescriptor } from '../../../src/protocol/index.ts';
import { remember, stalledEndpoint, type TransferEntry } from '../../../src/ui/lib/usb-history.ts';
import { controlRequest } from '../../../src/ui/lib/usb-model.ts';
import { CONTROL_PRESETS, clearHaltPreset, decodeDescriptorReply } from '../../../src/ui/lib/usb-presets.ts';

const getDescriptor = (value: number, length = 255) => ({
  requestType: 0x80,
  request: 0x06,
  value,
  index: 0,
  length,
});

describe('control presets', () => {
  it('are requests the control form accepts', () => {
    for (const preset of CONTROL_PRESETS) expect(() => controlRequest({ ...preset, data: '' })).not.toThrow();
    expect(controlRequest({ ...clearHaltPreset(0x81), data: '' }).setup).toEqual({
      requestType: 0x02,
      request: 0x01,
      value: 0,
      index: 0x81,
      length: 0,
    });
  });
});

describe('decodeDescriptorReply', () => {
  it("names the fields of the simulated Gadget Zero's device descriptor", () => {
    const device = gadgetZeroDescriptors().find((entry) => entry.type === 1)!;
    const decoded = decodeDescriptorReply(getDescriptor(0x0100, 18), device.bytes);
    const fields = Object.fromEntries(decoded?.fields ?? []);
    expect(fields.idVendor).toBe(`0x${GADGET_ZERO.vendorId.toString(16).padStart(4, '0')}`);
    expect(fields.bNumConfigurations).toBe('2');
  });

  it('reads strings and ignores other requests', () => {
    const reply = encodeStringDescriptor('Gadget Zero');
    expect(decodeDescriptorReply(getDescriptor(0x0302), reply)?.fields).toEqual([['bString', 'Gadget Zero']]);
    expect(decodeDescriptorReply({ ...getDescriptor(0x0100), requestType: 0xc0 }, reply)).toBeUndefined();
  });

  it('rejects malformed replies with RangeError and nothing else', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0x0100, 0x0200, 0x0300, 0x0302),
        fc.uint8Array({ maxLength: 64 }),
        (value, bytes) => {
          try {
            decodeDescriptorReply(getDescriptor(value), bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(RangeError);
          }
        },
      ),
    );
  });
});

describe('transfer history', () => {
  const entry = (status: string, endpoint: number): TransferEntry => ({
    kind: endpoint === 0 ? 'control' : 'bulk/interrupt',
    direction: 'OUT',
    endpoint,
    length: 1,
    status,
    actualLength: 0,
  });

  it('keeps the newest 20 and points at a data endpoint that just stalled', () => {
    let history: TransferEntry[] = [];
    for (let i = 0; i < 25; i++) history = remember(history, entry('ok', 1));
    expect(history).toHaveLength(20);
    expect(stalledEndpoint(remember(history, entry('stall', 0x01)))).toBe(0x01);
    expect(stalledEndpoint(remember(history, entry('stall', 0)))).toBeUndefined();
    expect(stalledEndpoint(remember(remember(history, entry('stall', 1)), entry('ok', 0)))).toBeUndefined();
  });
});
