/**
 * Re-admission tickets on the wire (issue 13, "reconnect by itself"): GRANT's long form carries the
 * ticket, READMIT carries the receiver's proof of one (or nothing), and both are gated by
 * TICKET_CAPABILITY so that a peer from before them never sees either. Malformed input is rejected with
 * a typed FrameError.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeFrame,
  encodeGrant,
  encodeReadmit,
  FrameError,
  FrameType,
  PERMISSIONS,
  READMIT_PROOF_BYTES,
  TICKET_BYTES,
} from '../../../src/protocol/index.ts';

/** Decodes `frame`, or returns the FrameError it was rejected with (anything else fails the test). */
function decodeOrError(frame: Uint8Array): unknown {
  try {
    return decodeFrame(frame);
  } catch (error) {
    expect(error).toBeInstanceOf(FrameError);
    return error;
  }
}

/** Random bytes, or a well-formed GRANT tail (either form) with bytes changed, cut or added. */
const grantShapedTail = fc.oneof(
  fc.uint8Array({ maxLength: 24 }),
  fc
    .tuple(
      fc.integer({ min: 0, max: 4 }),
      fc.uint8Array({ minLength: TICKET_BYTES, maxLength: TICKET_BYTES }),
      fc.boolean(),
      fc.array(fc.tuple(fc.nat(22), fc.integer({ min: 0, max: 255 })), { maxLength: 2 }),
      fc.integer({ min: -3, max: 3 }),
    )
    .map(([permission, ticket, long, changes, resize]) => {
      const tail = [0, permission, 0, ...(long ? ticket : [])];
      for (const [at, value] of changes) if (at < tail.length) tail[at] = value;
      if (resize < 0) tail.length = Math.max(0, tail.length + resize);
      else for (let i = 0; i < resize; i++) tail.push(7);
      return Uint8Array.from(tail);
    }),
);

describe('GRANT with a ticket', () => {
  it('round-trips every permission and ticket; the 4-byte form has no ticket', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PERMISSIONS),
        fc.uint8Array({ minLength: TICKET_BYTES, maxLength: TICKET_BYTES }),
        (permission, ticket) => {
          const frame = encodeGrant(permission, ticket);
          expect(frame.length).toBe(4 + TICKET_BYTES);
          const decoded = decodeFrame(frame);
          expect(decoded).toMatchObject({ type: 'grant', permission });
          expect([...((decoded as { ticket: Uint8Array }).ticket ?? [])]).toEqual([...ticket]);
          expect(decodeFrame(encodeGrant(permission))).toEqual({ type: 'grant', permission });
        },
      ),
    );
  });

  it('rejects every length but 4 and 20, a bad permission or reserved byte, with a typed error', () => {
    fc.assert(
      fc.property(grantShapedTail, (tail) => {
        const frame = Uint8Array.of(FrameType.Grant, ...tail);
        const length = frame.length === 4 || frame.length === 4 + TICKET_BYTES;
        const valid = length && tail[0] === 0 && tail[2] === 0 && tail[1]! >= 1 && tail[1]! <= 3;
        const decoded = decodeOrError(frame);
        expect(decoded instanceof FrameError).toBe(!valid);
      }),
      { numRuns: 5000 },
    );
    expect(decodeOrError(new Uint8Array([FrameType.Grant, 0, 1, 0, 7]))).toMatchObject({ code: 'truncated' });
  });

  it('refuses to encode a ticket of another size', () => {
    expect(() => encodeGrant('full', new Uint8Array(15))).toThrow(RangeError);
  });
});

describe('READMIT', () => {
  it('round-trips a proof, and the bare 2-byte form says "no ticket"', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: READMIT_PROOF_BYTES, maxLength: READMIT_PROOF_BYTES }),
        (proof) => {
          const frame = encodeReadmit(proof);
          expect(frame.length).toBe(2 + READMIT_PROOF_BYTES);
          const decoded = decodeFrame(frame) as { type: string; proof: Uint8Array };
          expect(decoded.type).toBe('readmit');
          expect([...decoded.proof]).toEqual([...proof]);
        },
      ),
    );
    expect([...encodeReadmit()]).toEqual([FrameType.Readmit, 0]);
    expect(decodeFrame(encodeReadmit())).toEqual({ type: 'readmit', proof: undefined });
  });

  it('rejects every length but 2 and 34, and a nonzero second byte, with a typed error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (tail) => {
        const frame = Uint8Array.of(FrameType.Readmit, ...tail);
        const valid = (frame.length === 2 || frame.length === 2 + READMIT_PROOF_BYTES) && tail[0] === 0;
        const decoded = decodeOrError(frame);
        expect(decoded instanceof FrameError).toBe(!valid);
      }),
      { numRuns: 5000 },
    );
    expect(decodeOrError(Uint8Array.of(FrameType.Readmit))).toMatchObject({ code: 'truncated' });
    expect(() => encodeReadmit(new Uint8Array(31))).toThrow(RangeError);
  });
});
