import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsbipProtocolError } from '../../../src/receiver/sinks/usbip/errors.ts';
import {
  OpCommon,
  RetSubmit,
  RetUnlink,
  URB_HEADER_SIZE,
} from '../../../src/receiver/sinks/usbip/layouts.ts';
import { UsbipParser, type UsbipRequest } from '../../../src/receiver/sinks/usbip/parser.ts';
import { encodeRetSubmit, encodeRetUnlink } from '../../../src/receiver/sinks/usbip/replies.ts';
import { devlistRequest, importRequest, submitRequest, unlinkRequest } from './usbip-test-client.ts';

/** Feeds `bytes` cut at `cuts` (offsets), collecting requests; the parser must not care where TCP split. */
function parseSplit(parser: UsbipParser, bytes: Uint8Array, cuts: number[]): UsbipRequest[] {
  const out: UsbipRequest[] = [];
  const points = [...new Set([0, ...cuts.map((c) => c % (bytes.length + 1)), bytes.length])].sort(
    (a, b) => a - b,
  );
  for (let i = 1; i < points.length; i++) {
    parser.push(bytes.subarray(points[i - 1], points[i]), (request) => {
      if (request.kind === 'import') parser.enterUrbPhase();
      out.push(request);
    });
  }
  return out;
}

const urbParser = (): UsbipParser => {
  const parser = new UsbipParser();
  parser.push(importRequest('1-1'), () => parser.enterUrbPhase());
  return parser;
};

const submitArbitrary = fc.record({
  seqnum: fc.integer({ min: 0, max: 0xffffffff }),
  direction: fc.constantFrom(0 as const, 1 as const),
  ep: fc.integer({ min: 0, max: 15 }),
  data: fc.uint8Array({ maxLength: 300 }),
  inLength: fc.integer({ min: 0, max: 4096 }),
});

describe('USB/IP parser', () => {
  it('parses OP_REQ_DEVLIST and OP_REQ_IMPORT split anywhere', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 6 }), (cuts) => {
        expect(parseSplit(new UsbipParser(), devlistRequest(), cuts)).toEqual([{ kind: 'devlist' }]);
        expect(parseSplit(new UsbipParser(), importRequest('1-12'), cuts)).toEqual([
          { kind: 'import', busId: '1-12' },
        ]);
      }),
    );
  });

  it('round-trips CMD_SUBMIT and CMD_UNLINK, whatever the split', () => {
    fc.assert(
      fc.property(
        fc.array(submitArbitrary, { maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (submits, cuts) => {
          const wire = submits.map((s) =>
            submitRequest({
              seqnum: s.seqnum,
              direction: s.direction,
              ep: s.ep,
              transferBufferLength: s.direction === 0 ? s.data.length : s.inLength,
              data: s.direction === 0 ? s.data : undefined,
            }),
          );
          wire.push(unlinkRequest(7, 3));
          const bytes = Uint8Array.from(wire.flatMap((w) => [...w]));
          const parsed = parseSplit(urbParser(), bytes, cuts);
          expect(parsed).toHaveLength(submits.length + 1);
          submits.forEach((s, i) => {
            const request = parsed[i];
            if (request?.kind !== 'submit') throw new Error('expected a submit');
            expect(request).toMatchObject({ seqnum: s.seqnum, direction: s.direction, ep: s.ep });
            expect([...request.data]).toEqual(s.direction === 0 ? [...s.data] : []);
          });
          expect(parsed.at(-1)).toEqual({ kind: 'unlink', seqnum: 7, devid: 0x00010001, unlinkSeqnum: 3 });
        },
      ),
    );
  });

  it.each([
    ['bad-version', Uint8Array.of(0x01, 0x06, 0x80, 0x05, 0, 0, 0, 0), new UsbipParser()],
    ['unknown-operation', OpCommon.encode({ version: 0x0111, code: 0x8009, status: 0 }), new UsbipParser()],
  ])('rejects %s', (code, bytes, parser) => {
    expect(() => parser.push(bytes, () => {})).toThrow(
      expect.objectContaining({ name: 'UsbipProtocolError', code }),
    );
  });

  it('never trusts transfer_buffer_length or number_of_packets', () => {
    const huge = submitRequest({ seqnum: 1, direction: 0, ep: 1, transferBufferLength: 0x7fffffff });
    expect(() => urbParser().push(huge, () => {})).toThrow(UsbipProtocolError);
    const iso = submitRequest({
      seqnum: 1,
      direction: 1,
      ep: 1,
      transferBufferLength: 8,
      numberOfPackets: 100_000,
    });
    expect(() => urbParser().push(iso, () => {})).toThrow(expect.objectContaining({ code: 'length-limit' }));
    const badCommand = new Uint8Array(URB_HEADER_SIZE);
    badCommand[3] = 9;
    expect(() => urbParser().push(badCommand, () => {})).toThrow(
      expect.objectContaining({ code: 'unknown-command' }),
    );
  });
});

describe('USB/IP replies', () => {
  it('round-trips RET_SUBMIT and RET_UNLINK (network byte order)', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.integer({ min: -200, max: 0 }),
        fc.uint8Array({ maxLength: 64 }),
        (seqnum, status, data) => {
          const bytes = encodeRetSubmit({ seqnum, status, numberOfPackets: 0xffffffff, data });
          const decoded = RetSubmit.decode(bytes);
          expect(decoded).toMatchObject({ command: 3, seqnum, status, actualLength: data.length, devid: 0 });
          expect([...bytes.subarray(URB_HEADER_SIZE)]).toEqual([...data]);
          expect(RetUnlink.decode(encodeRetUnlink(seqnum, status))).toMatchObject({
            command: 4,
            seqnum,
            status,
          });
        },
      ),
    );
    // Byte order is visible on the wire: seqnum 0x0102 is 00 00 01 02.
    expect([...encodeRetUnlink(0x0102, 0).subarray(4, 8)]).toEqual([0, 0, 1, 2]);
  });
});
