import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gadgetZeroDescriptors } from '../../../src/devices/usb/index.ts';
import {
  decodeFrame,
  encodeUsbAnnounce,
  encodeUsbCompletion,
  encodeUsbRequest,
  FrameError,
  type UsbCompletionMessage,
  UsbEncodeBuffer,
  UsbLimits,
  type UsbRequestMessage,
} from '../../../src/protocol/index.ts';

const usbMessage = (bytes: Uint8Array) => {
  const frame = decodeFrame(bytes);
  if (frame.type !== 'usb') throw new Error(`expected a USB frame, got ${frame.type}`);
  return { device: frame.device, message: frame.message };
};

const requests: UsbRequestMessage[] = [
  {
    kind: 'control',
    requestId: 1,
    setup: { requestType: 0xc0, request: 0x5c, value: 0, index: 0, length: 64 },
    data: new Uint8Array(0),
  },
  {
    kind: 'control',
    requestId: 2,
    setup: { requestType: 0x40, request: 0x5b, value: 0, index: 0, length: 3 },
    data: Uint8Array.of(1, 2, 3),
  },
  { kind: 'transfer', requestId: 0xffffffff, endpoint: 0x81, length: 512, data: new Uint8Array(0) },
  { kind: 'transfer', requestId: 4, endpoint: 0x01, length: 4, data: Uint8Array.of(9, 8, 7, 6) },
  { kind: 'isochronous', requestId: 5, endpoint: 0x82, packetLengths: [1024, 1024], data: new Uint8Array(0) },
  { kind: 'isochronous', requestId: 6, endpoint: 0x02, packetLengths: [2, 1], data: Uint8Array.of(1, 2, 3) },
  { kind: 'clear-halt', requestId: 7, endpoint: 0x81 },
  { kind: 'reset', requestId: 8 },
  { kind: 'select-configuration', requestId: 9, value: 2 },
  { kind: 'select-alternate', requestId: 10, interfaceNumber: 0, alternateSetting: 1 },
  { kind: 'cancel', requestId: 11, target: 3 },
];

const completions: UsbCompletionMessage[] = [
  { kind: 'completion', requestId: 1, status: 'ok', actualLength: 3, data: Uint8Array.of(1, 2, 3) },
  { kind: 'completion', requestId: 2, status: 'stall', actualLength: 0, data: new Uint8Array(0) },
  { kind: 'completion', requestId: 3, status: 'ok', actualLength: 512, data: new Uint8Array(0) },
  ...(['babble', 'error', 'cancelled', 'timeout', 'disconnected', 'busy', 'not-allowed'] as const).map(
    (status, i) => ({
      kind: 'completion' as const,
      requestId: 10 + i,
      status,
      actualLength: 0,
      data: new Uint8Array(0),
    }),
  ),
  {
    kind: 'iso-completion',
    requestId: 4,
    status: 'ok',
    packets: [
      { status: 'ok', actualLength: 2 },
      { status: 'babble', actualLength: 1 },
    ],
    data: Uint8Array.of(5, 6, 7),
  },
];

describe('USB frame round trips', () => {
  it('announces the raw descriptors with the active configuration', () => {
    const descriptors = gadgetZeroDescriptors();
    const { device, message } = usbMessage(encodeUsbAnnounce(7, { activeConfiguration: 3, descriptors }));
    expect(device).toBe(7);
    expect(message).toEqual({ kind: 'announce', activeConfiguration: 3, descriptors });
  });

  it.each(requests.map((r) => [r.kind, r] as const))('%s requests', (_kind, request) => {
    expect(usbMessage(encodeUsbRequest(2, request))).toEqual({ device: 2, message: request });
  });

  it.each(completions.map((c) => [`${c.kind} ${c.status}`, c] as const))('%s', (_name, completion) => {
    expect(usbMessage(encodeUsbCompletion(1, completion))).toEqual({ device: 1, message: completion });
  });

  it('encodes into a reused buffer exactly what it encodes into a fresh one', () => {
    const into = new UsbEncodeBuffer();
    // Big first, so every later frame lands on stale bytes.
    into.take(4096).out.fill(0xee);
    for (const request of requests) {
      expect([...encodeUsbRequest(3, request, into)]).toEqual([...encodeUsbRequest(3, request)]);
    }
    for (const completion of completions) {
      expect([...encodeUsbCompletion(3, completion, into)]).toEqual([...encodeUsbCompletion(3, completion)]);
    }
  });

  it('a request or completion without data holds no view of its message', () => {
    // A pending IN transfer can outlive its message by seconds; a view would keep the whole message
    // (a bundle of other transfers) alive with it.
    const withData = (m: UsbRequestMessage | UsbCompletionMessage) => 'data' in m && m.data.length > 0;
    for (const message of [...requests, ...completions]) {
      const bytes = 'status' in message ? encodeUsbCompletion(1, message) : encodeUsbRequest(1, message);
      const decoded = usbMessage(bytes).message;
      if (!('data' in decoded)) continue;
      if (withData(message)) expect(decoded.data.buffer).toBe(bytes.buffer);
      else expect(decoded.data.buffer).not.toBe(bytes.buffer);
    }
  });

  it('any bulk transfer round-trips byte for byte', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 15 }),
        fc.uint8Array({ maxLength: 2048 }),
        fc.nat(0xffffffff),
        (endpoint, data, requestId) => {
          const request: UsbRequestMessage = {
            kind: 'transfer',
            requestId,
            endpoint,
            length: data.length,
            data,
          };
          expect(usbMessage(encodeUsbRequest(0, request)).message).toEqual(request);
        },
      ),
    );
  });
});

describe('the USB decoder refuses malformed frames with FrameError only', () => {
  const refuses = (bytes: Uint8Array, code?: string) => {
    try {
      decodeFrame(bytes);
    } catch (error) {
      expect(error).toBeInstanceOf(FrameError);
      if (code) expect((error as FrameError).code).toBe(code);
      return;
    }
    throw new Error('decoded a malformed frame');
  };

  it('checks data lengths against the declared ones', () => {
    const out = encodeUsbRequest(0, requests[3]!);
    refuses(out.subarray(0, out.length - 1), 'bad-field');
    const inWithData = Uint8Array.from([...encodeUsbRequest(0, requests[2]!), 1]);
    refuses(inWithData, 'bad-field');
    const control = encodeUsbRequest(0, requests[1]!);
    refuses(control.subarray(0, 10), 'truncated');
  });

  it('bounds transfer sizes and packet counts before trusting them', () => {
    const huge = encodeUsbRequest(0, {
      kind: 'transfer',
      requestId: 1,
      endpoint: 0x81,
      length: 0,
      data: new Uint8Array(0),
    });
    new DataView(huge.buffer).setUint32(8, UsbLimits.maxTransferBytes + 1, true);
    refuses(huge, 'too-large');
    const iso = encodeUsbRequest(0, requests[4]!);
    new DataView(iso.buffer).setUint16(8, 0xffff, true);
    refuses(iso, 'bad-field');
  });

  it('refuses unknown statuses, commands, endpoint 0 and announcements without a device descriptor', () => {
    const completion = encodeUsbCompletion(0, completions[1]!);
    completion[2] = 99;
    refuses(completion, 'bad-field');
    const command = encodeUsbRequest(0, requests[7]!);
    command[2] = 42;
    refuses(command, 'bad-field');
    refuses(
      encodeUsbRequest(0, {
        kind: 'transfer',
        requestId: 1,
        endpoint: 0x80,
        length: 1,
        data: new Uint8Array(0),
      }),
      'bad-field',
    );
    refuses(encodeUsbAnnounce(0, { activeConfiguration: 0, descriptors: [] }), 'bad-field');
  });

  it('fuzz: random bytes in the USB range decode or throw FrameError, nothing else', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0x20, max: 0x2f }), fc.uint8Array({ maxLength: 300 }), (type, rest) => {
        const bytes = Uint8Array.from([type, ...rest]);
        try {
          decodeFrame(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(FrameError);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('fuzz: mutated valid frames decode or throw FrameError, nothing else', () => {
    const valid = [
      ...requests.map((r) => encodeUsbRequest(1, r)),
      ...completions.map((c) => encodeUsbCompletion(1, c)),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...valid),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 4 }),
        fc.nat(),
        (frame, edits, cut) => {
          const bytes = frame.slice(0, Math.max(1, frame.length - (cut % 4)));
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          bytes[0] = frame[0]!;
          try {
            decodeFrame(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(FrameError);
          }
        },
      ),
      { numRuns: 5000 },
    );
  });
});
