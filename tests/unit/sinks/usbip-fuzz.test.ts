import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsbipProtocolError } from '../../../src/receiver/sinks/usbip/errors.ts';
import { UsbipParser } from '../../../src/receiver/sinks/usbip/parser.ts';
import { UsbipSink } from '../../../src/receiver/sinks/usbip/sink.ts';
import { FakeHidDevice } from './usb-test-device.ts';
import { TestSocket } from './usb-test-socket.ts';
import {
  getDescriptorSetup,
  importDevice,
  importRequest,
  readRetSubmit,
  submitRequest,
} from './usbip-test-client.ts';

const onlyTypedErrors = (feed: () => void): void => {
  try {
    feed();
  } catch (error) {
    expect(error).toBeInstanceOf(UsbipProtocolError);
  }
};

/** Plausible-looking URB headers with hostile fields, to get past the first checks. */
const hostileUrb = fc
  .record({
    command: fc.constantFrom(1, 2, 3, 0xffffffff),
    direction: fc.constantFrom(0, 1, 2, 0xffffffff),
    ep: fc.oneof(fc.integer({ min: 0, max: 16 }), fc.constant(0xffffffff)),
    length: fc.oneof(fc.nat(64), fc.constant(0x10000), fc.constant(0x10001), fc.constant(0xffffffff)),
    packets: fc.oneof(fc.constant(0), fc.constant(0xffffffff), fc.nat(2000)),
    tail: fc.uint8Array({ maxLength: 200 }),
  })
  .map(({ command, direction, ep, length, packets, tail }) => {
    const header = new Uint8Array(48);
    const view = new DataView(header.buffer);
    view.setUint32(0, command);
    view.setUint32(12, direction);
    view.setUint32(16, ep);
    view.setUint32(24, length);
    view.setUint32(32, packets);
    return Uint8Array.from([...header, ...tail]);
  });

describe('USB/IP decoder fuzz', () => {
  it('random, truncated and split input only ever raises UsbipProtocolError', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.oneof(fc.uint8Array({ maxLength: 400 }), hostileUrb),
        fc.array(fc.nat(), { maxLength: 8 }),
        (imported, bytes, cuts) => {
          const parser = new UsbipParser();
          if (imported) parser.push(importRequest('1-1'), () => parser.enterUrbPhase());
          const points = [...new Set([0, ...cuts.map((c) => c % (bytes.length + 1)), bytes.length])].sort(
            (a, b) => a - b,
          );
          onlyTypedErrors(() => {
            for (let i = 1; i < points.length; i++)
              parser.push(bytes.subarray(points[i - 1], points[i]), () => {});
          });
        },
      ),
      { numRuns: 2000 },
    );
  });

  describe('server', () => {
    const sink = new UsbipSink({ port: 0, logger: { warn: () => {} } });
    let port = 0;
    beforeAll(async () => {
      port = (await sink.listen()).port;
      await sink.attach(FakeHidDevice.fromCorpus('cherry-keyboard-usb'));
    });
    afterAll(() => sink.close());

    it('drops a hostile client and keeps serving another', async () => {
      const good = await TestSocket.open(port);
      expect((await importDevice(good, '1-1')).op.status).toBe(0);
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.uint8Array({ minLength: 8, maxLength: 300 }), hostileUrb),
          async (bytes) => {
            const bad = await TestSocket.open(port);
            bad.write(bytes);
            bad.write(Uint8Array.from([...importRequest('1-1'), ...new Uint8Array(64).fill(0xff)]));
            bad.socket.end();
            await bad.closed;
            good.write(
              submitRequest({
                seqnum: 1,
                direction: 1,
                ep: 0,
                transferBufferLength: 18,
                setup: getDescriptorSetup(1, 0, 18),
              }),
            );
            expect((await readRetSubmit(good)).status).toBe(0);
          },
        ),
        { numRuns: 25 },
      );
      good.destroy();
    });
  });
});
