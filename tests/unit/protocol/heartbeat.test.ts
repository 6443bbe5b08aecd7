/**
 * HEARTBEAT (issue 13): two bytes an end sends when it has sent nothing else lately, only to a peer
 * whose hello lists HEARTBEAT_CAPABILITY. Anything else with its type byte is a typed error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeFrame,
  encodeHeartbeat,
  FrameError,
  FrameType,
  HEARTBEAT_CAPABILITY,
} from '../../../src/protocol/index.ts';

describe('HEARTBEAT frames', () => {
  it('are two bytes and decode to a heartbeat', () => {
    expect([...encodeHeartbeat()]).toEqual([FrameType.Heartbeat, 0]);
    expect(decodeFrame(encodeHeartbeat())).toEqual({ type: 'heartbeat' });
    expect(HEARTBEAT_CAPABILITY).toBe('heartbeat');
  });

  it('reject any other length or a non-zero second byte with a typed error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20 }), (tail) => {
        const frame = Uint8Array.of(FrameType.Heartbeat, ...tail);
        const valid = tail.length === 1 && tail[0] === 0;
        try {
          expect(decodeFrame(frame)).toEqual({ type: 'heartbeat' });
          expect(valid).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(FrameError);
          expect(valid).toBe(false);
          expect((error as FrameError).code).toBe(tail.length === 1 ? 'bad-field' : 'truncated');
        }
      }),
      { numRuns: 2000 },
    );
  });
});
