/**
 * The share a tab keeps for a reload (src/ui/lib/stored-share.ts) is input like any other when it comes
 * back: it round-trips exactly, and anything else is refused with StoredShareError, never half-read.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../../src/transport/index.ts';
import {
  parseStoredJoin,
  parseStoredShare,
  type StoredShare,
  StoredShareError,
  serializeShare,
} from '../../../src/ui/lib/stored-share.ts';

const id = fc.stringMatching(/^[A-Za-z0-9_-]{22}$/);
const word = fc.stringMatching(/^[a-z]{1,16}$/);
const uint16 = fc.integer({ min: 0, max: 0xffff });
const device = fc.oneof(
  fc.constant({ kind: 'demo' as const }),
  fc.constant({ kind: 'usb-demo' as const }),
  fc.record({
    kind: fc.constant('hid' as const),
    vendorId: uint16,
    productId: uint16,
    productName: fc.string(),
  }),
  fc.record(
    { kind: fc.constant('usb' as const), vendorId: uint16, productId: uint16, serialNumber: fc.string() },
    { requiredKeys: ['kind', 'vendorId', 'productId'] },
  ),
);
const ticket = fc.record({ ticket: id, permission: fc.constantFrom(...PERMISSIONS) });
const share: fc.Arbitrary<StoredShare> = fc.record({
  version: fc.constant(1 as const),
  sessionId: id,
  peerId: fc.stringMatching(/^[A-Za-z0-9_-]{1,16}$/),
  secret: id,
  words: fc.tuple(word, word),
  nameplate: fc.stringMatching(/^[1-9][0-9]{0,5}$/),
  codeBurned: fc.boolean(),
  pipeline: fc.string({ maxLength: 100 }),
  access: fc.record({
    anyone: fc.boolean(),
    permission: fc.constantFrom(...PERMISSIONS),
  }),
  devices: fc.array(device, { maxLength: 5 }),
  tickets: fc.array(ticket, { maxLength: 5 }),
});

function outcome(text: string): 'ok' | 'refused' {
  try {
    parseStoredShare(text);
    return 'ok';
  } catch (error) {
    if (error instanceof StoredShareError) return 'refused';
    throw error;
  }
}

describe('stored share', () => {
  it('reads a share stored before tickets: it has none, and its receivers are asked again', () => {
    fc.assert(
      fc.property(share, (stored) => {
        const { tickets: _, ...older } = stored;
        expect(parseStoredShare(serializeShare(older)).tickets).toBeUndefined();
      }),
    );
  });

  it('round-trips every share exactly', () => {
    fc.assert(
      fc.property(share, (stored) => {
        expect(parseStoredShare(serializeShare(stored))).toEqual(stored);
      }),
    );
  });

  it('round-trips a share into a receiver’s session, and refuses a hosted share’s missing fields', () => {
    fc.assert(
      fc.property(share, ({ sessionId, pipeline, access, devices, tickets }) => {
        const joined = { version: 1 as const, sessionId, pipeline, access, devices, tickets };
        expect(parseStoredJoin(serializeShare(joined))).toEqual(joined);
        expect(() => parseStoredShare(serializeShare(joined))).toThrow(StoredShareError);
      }),
    );
  });

  it('refuses any other text with StoredShareError, and nothing else escapes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        outcome(text);
      }),
    );
  });

  it('refuses a share with one field broken', () => {
    const breakages: Array<(s: Record<string, unknown>) => void> = [
      (s) => (s.version = 2),
      (s) => (s.secret = 'short'),
      (s) => (s.words = ['amber']),
      (s) => (s.nameplate = '012'),
      (s) => (s.access = { anyone: true, permission: 'root' }),
      (s) => (s.devices = [{ kind: 'hid', vendorId: 70000, productId: 1, productName: 'x' }]),
      (s) => delete s.sessionId,
      // Re-admission tickets: each 16 bytes (22 base64url characters) with a known permission, 64 at most.
      (s) => (s.tickets = [{ ticket: 'short', permission: 'full' }]),
      (s) => (s.tickets = [{ ticket: 'A'.repeat(22), permission: 'root' }]),
      (s) => (s.tickets = [{ ticket: 'A'.repeat(22) }]),
      (s) => (s.tickets = 'A'.repeat(22)),
      (s) =>
        (s.tickets = Array.from({ length: 65 }, () => ({ ticket: 'A'.repeat(22), permission: 'input' }))),
    ];
    fc.assert(
      fc.property(share, fc.constantFrom(...breakages), (stored, breakIt) => {
        const broken = structuredClone(stored) as unknown as Record<string, unknown>;
        breakIt(broken);
        expect(outcome(JSON.stringify(broken))).toBe('refused');
      }),
    );
  });
});
