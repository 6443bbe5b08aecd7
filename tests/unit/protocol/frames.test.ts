import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AUTH_CONFIRM_TAG_BYTES,
  CODE_PAKE,
  type DeviceAnnouncement,
  decodeFrame,
  encodeAnnounce,
  encodeAuthConfirm,
  encodeDeviceGone,
  encodeError,
  encodeFeatureGet,
  encodeFeatureSet,
  encodeGrant,
  encodeHeartbeat,
  encodeHello,
  encodeInputReport,
  encodeOutputReport,
  encodePing,
  encodeReply,
  FrameError,
  FrameType,
  MAX_REPORT_BYTES,
  PERMISSIONS,
  PROTOCOL_VERSION,
  ReplyStatus,
} from '../../../src/protocol/index.ts';

const hello = {
  role: 'receiver' as const,
  name: 'ci-box',
  capabilities: ['hid'],
  pipeline: '',
  auth: { method: 'link' as const, proof: 'abc' },
};

/** A receiver's hello by short code: its CPace share, 32 bytes in base64url. */
const codeHello = {
  ...hello,
  auth: { method: 'code', pake: CODE_PAKE, share: 'A'.repeat(43) } as const,
};

const announcement: DeviceAnnouncement = {
  kind: 'hid',
  vendorId: 0x046d,
  productId: 0xc626,
  productName: 'SpaceNavigator',
  collections: [
    {
      usagePage: 1,
      usage: 8,
      type: 1,
      children: [],
      inputReports: [],
      outputReports: [],
      featureReports: [],
    },
  ],
};

describe('frame round trips', () => {
  it('hello and announce', () => {
    expect(decodeFrame(encodeHello(hello))).toEqual({ type: 'hello', version: 2, body: hello });
    expect(PROTOCOL_VERSION).toBe(2);
    expect(decodeFrame(encodeAnnounce(3, announcement))).toEqual({
      type: 'announce',
      device: 3,
      body: announcement,
    });
    expect(decodeFrame(encodeDeviceGone(9))).toEqual({ type: 'device-gone', device: 9 });
  });

  it("announce carries the device's own report descriptor as hex, and rejects anything else there", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 4096 }), (descriptor) => {
        const reportDescriptor = [...descriptor].map((b) => b.toString(16).padStart(2, '0')).join('');
        const body = { ...announcement, reportDescriptor };
        expect(decodeFrame(encodeAnnounce(1, body))).toEqual({ type: 'announce', device: 1, body });
      }),
      { numRuns: 50 },
    );
    for (const reportDescriptor of ['', '0', '05 01', '0A', 'zz', 'ab'.repeat(4097)]) {
      const bytes = encodeAnnounce(1, { ...announcement, reportDescriptor });
      expect(() => decodeFrame(bytes)).toThrowError(FrameError);
    }
  });

  it('a hello by code and the key confirmation that follows it', () => {
    expect(decodeFrame(encodeHello(codeHello))).toEqual({ type: 'hello', version: 2, body: codeHello });
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: AUTH_CONFIRM_TAG_BYTES, maxLength: AUTH_CONFIRM_TAG_BYTES }),
        (tag) => {
          expect(decodeFrame(encodeAuthConfirm(tag))).toEqual({ type: 'auth-confirm', tag });
        },
      ),
    );
    expect(() => encodeAuthConfirm(new Uint8Array(32))).toThrow(RangeError);
  });

  it('input reports keep id, timestamp and bytes, also through a reused scratch buffer', () => {
    const scratch = new Uint8Array(128);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.uint8Array({ maxLength: 100 }),
        (device, reportId, timestampMs, data) => {
          const frame = decodeFrame(encodeInputReport(device, reportId, timestampMs, data, scratch));
          expect(frame).toEqual({ type: 'input', device, reportId, timestampMs, data });
        },
      ),
    );
  });

  it('requests and replies', () => {
    const data = Uint8Array.of(1, 2, 3);
    expect(decodeFrame(encodeOutputReport(1, 4, 77, data))).toEqual({
      type: 'output',
      device: 1,
      reportId: 4,
      requestId: 77,
      data,
    });
    expect(decodeFrame(encodeFeatureGet(0, 5, 0xffffffff))).toEqual({
      type: 'feature-get',
      device: 0,
      reportId: 5,
      requestId: 0xffffffff,
    });
    expect(decodeFrame(encodeFeatureSet(0, 5, 2, data))).toMatchObject({ type: 'feature-set', data });
    expect(decodeFrame(encodeReply(0, 5, 2, ReplyStatus.Timeout))).toMatchObject({
      type: 'reply',
      status: ReplyStatus.Timeout,
      data: new Uint8Array(0),
    });
    expect(decodeFrame(encodeError(2, 3, 'nope'))).toEqual({
      type: 'error',
      device: 2,
      code: 3,
      message: 'nope',
    });
    expect(decodeFrame(encodePing('pong', 9, 1.5))).toEqual({ type: 'pong', nonce: 9, timestampMs: 1.5 });
  });
});

describe('grant frames', () => {
  it('carry each permission both ways, in four bytes', () => {
    for (const permission of PERMISSIONS) {
      const frame = encodeGrant(permission);
      expect(frame.length).toBe(4);
      expect(decodeFrame(frame)).toEqual({ type: 'grant', permission });
    }
    expect([...encodeGrant('input')]).toEqual([FrameType.Grant, 0, 1, 0]);
    expect([...encodeGrant('full')]).toEqual([FrameType.Grant, 0, 3, 0]);
  });

  it('reject any other length, permission or reserved byte with a typed error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), (tail) => {
        const frame = Uint8Array.of(FrameType.Grant, ...tail);
        const valid = tail.length === 3 && tail[0] === 0 && tail[2] === 0 && tail[1]! >= 1 && tail[1]! <= 3;
        let decoded: unknown;
        try {
          decoded = decodeFrame(frame);
        } catch (error) {
          expect(error).toBeInstanceOf(FrameError);
          expect(valid).toBe(false);
          return;
        }
        expect(valid).toBe(true);
        expect(decoded).toEqual({ type: 'grant', permission: PERMISSIONS[tail[1]! - 1] });
      }),
      { numRuns: 5000 },
    );
  });
});

describe('malformed frames', () => {
  const rejects = (bytes: Uint8Array, code: string) => {
    expect(() => decodeFrame(bytes)).toThrowError(FrameError);
    try {
      decodeFrame(bytes);
    } catch (error) {
      expect((error as FrameError).code).toBe(code);
    }
  };

  it('rejects each kind of damage with its own code', () => {
    rejects(new Uint8Array(0), 'empty');
    rejects(Uint8Array.of(0x55), 'unknown-type');
    rejects(Uint8Array.of(FrameType.InputReport, 0, 1), 'truncated');
    rejects(encodeInputReport(0, 0, 0, new Uint8Array(MAX_REPORT_BYTES + 1)), 'too-large');
    rejects(Uint8Array.of(FrameType.Hello, 0, 1, 0, 0x7b), 'bad-body');
    rejects(encodeHello({ ...hello, role: 'king' as 'sharer' }), 'bad-body');
    rejects(encodeReply(0, 1, 1, 99 as ReplyStatus), 'bad-field');
    rejects(Uint8Array.of(FrameType.Grant, 0, 1), 'truncated');
    rejects(Uint8Array.of(FrameType.Grant, 0, 4, 0), 'bad-field');
    rejects(Uint8Array.of(FrameType.Grant, 0, 0, 0), 'bad-field');
    rejects(Uint8Array.of(FrameType.Grant, 1, 1, 0), 'bad-field');
    // A code hello must name the PAKE and carry a 43-character share; the old HMAC proof is not one.
    const codeAuth = (auth: object) => encodeHello({ ...hello, auth } as typeof hello);
    rejects(codeAuth({ method: 'code', proof: 'A'.repeat(43) }), 'bad-body');
    rejects(codeAuth({ method: 'code', pake: 'spake2', share: 'A'.repeat(43) }), 'bad-body');
    rejects(codeAuth({ method: 'code', pake: CODE_PAKE, share: 'A'.repeat(42) }), 'bad-body');
    rejects(codeAuth({ method: 'code', pake: CODE_PAKE, share: `${'A'.repeat(42)}=` }), 'bad-body');
    rejects(codeAuth({ method: 'magic', proof: '' }), 'bad-body');
    rejects(Uint8Array.of(FrameType.AuthConfirm, 0, 1, 2), 'truncated');
    rejects(Uint8Array.of(FrameType.AuthConfirm, 1, ...new Uint8Array(AUTH_CONFIRM_TAG_BYTES)), 'bad-field');
    const nan = encodeInputReport(0, 0, Number.NaN, new Uint8Array(1));
    rejects(nan, 'bad-field');
  });

  it('every truncation of a valid frame is rejected or decoded, never anything else', () => {
    const frames = [
      encodeHello(hello),
      encodeHello(codeHello),
      encodeAuthConfirm(new Uint8Array(AUTH_CONFIRM_TAG_BYTES).fill(7)),
      encodeAnnounce(1, announcement),
      encodeInputReport(0, 1, 5, Uint8Array.of(1, 2)),
      encodeFeatureGet(0, 1, 1),
      encodePing('ping', 1, 1),
      encodeHeartbeat(),
      encodeGrant('input-output'),
    ];
    for (const frame of frames) {
      for (let n = 0; n < frame.length; n++) {
        try {
          decodeFrame(frame.subarray(0, n));
        } catch (error) {
          expect(error).toBeInstanceOf(FrameError);
        }
      }
    }
  });

  it('random bytes only ever raise FrameError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 0x7f }), (bytes, type) => {
        const frame = Uint8Array.of(type, ...bytes);
        try {
          decodeFrame(frame);
        } catch (error) {
          expect(error).toBeInstanceOf(FrameError);
        }
      }),
      { numRuns: 5000 },
    );
  });
});
