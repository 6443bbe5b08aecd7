import { afterEach, describe, expect, it } from 'vitest';
import {
  GADGET_ZERO,
  GadgetZero,
  GadgetZeroRequest,
  gadgetZeroPattern,
  SimulatedUsbDevice,
  UsbSourceError,
  WebUsbSource,
} from '../../../src/devices/usb/index.ts';
import { descriptorsIn } from '../../../src/protocol/index.ts';
import { type Share, share } from './usb-share-harness.ts';

const vendorOut = { requestType: 0x40, request: GadgetZeroRequest.writeBuffer, value: 0, index: 0 };
const vendorIn = { requestType: 0xc0, request: GadgetZeroRequest.readBuffer, value: 0, index: 0 };

let current: Share | undefined;
afterEach(async () => {
  if (current === undefined) return;
  // Nothing leaks: every request has completed on both sides.
  expect(current.remote.inFlightCount).toBe(0);
  expect(current.source.inFlightCount).toBe(0);
  await current.source.close();
  current = undefined;
});

async function loopbackShare(options: Parameters<typeof share>[0] = {}): Promise<Share> {
  current = await share(options);
  expect((await current.remote.selectConfiguration(GADGET_ZERO.loopbackConfiguration)).status).toBe('ok');
  return current;
}

describe('RemoteUsbDevice ⇄ WebUsbSource over Ferry frames', () => {
  it('the receiver sees the descriptors the sharer read with GET_DESCRIPTOR', async () => {
    current = await share();
    const { descriptors, activeConfiguration } = current.remote;
    expect([descriptors.device.vendorId, descriptors.device.productId]).toEqual([0x0525, 0xa4a0]);
    expect(descriptors.string(descriptors.device.productIndex)).toBe('Gadget Zero');
    expect(descriptors.configurations.map((c) => c.configurationValue)).toEqual([3, 2]);
    expect(descriptors.raw(0x0f, 0)?.length).toBe(12);
    expect(activeConfiguration).toBe(3);
  });

  it('control transfers carry setup and data both ways', async () => {
    current = await share();
    const data = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    expect(await current.remote.controlTransfer({ ...vendorOut, length: data.length }, data)).toMatchObject({
      status: 'ok',
      actualLength: 300,
    });
    const read = await current.remote.controlTransfer({ ...vendorIn, length: 300 });
    expect(read.status).toBe('ok');
    expect(read.data).toEqual(data);
    const stalled = await current.remote.controlTransfer({ ...vendorIn, request: 0x77, length: 1 });
    expect(stalled.status).toBe('stall');
  });

  it('bulk loopback: many transfers in flight, data intact, completions out of order', async () => {
    const { remote } = await loopbackShare();
    const chunks = Array.from({ length: 20 }, (_, n) =>
      Uint8Array.from({ length: 1 + n * 97 }, (_, i) => (i * 7 + n) & 0xff),
    );
    // The INs go first and wait (a bulk IN NAKs until data is there); the OUTs then complete before them.
    const reads = chunks.map(() => remote.transferIn(1, 4096));
    const writes = await Promise.all(chunks.map((chunk) => remote.transferOut(1, chunk)));
    expect(writes.map((w) => [w.status, w.actualLength])).toEqual(chunks.map((c) => ['ok', c.length]));
    const results = await Promise.all(reads);
    expect(results.map((r) => r.status)).toEqual(chunks.map(() => 'ok'));
    expect(results.map((r) => r.data)).toEqual(chunks);
  });

  it('a stalled endpoint reports stall until clearHalt', async () => {
    current = await share();
    const { remote } = current;
    expect((await remote.transferOut(1, Uint8Array.of(9, 9))).status).toBe('stall');
    expect((await remote.transferOut(1, gadgetZeroPattern(64))).status).toBe('stall');
    expect((await remote.clearHalt(0x01)).status).toBe('ok');
    expect((await remote.transferOut(1, gadgetZeroPattern(64))).status).toBe('ok');
    expect((await remote.transferIn(1, 64)).data).toEqual(gadgetZeroPattern(64));
  });

  it('isochronous IN in alternate 1 returns per-packet status and data', async () => {
    current = await share();
    expect((await current.remote.selectAlternateInterface(0, 1)).status).toBe('ok');
    const result = await current.remote.isochronousTransferIn(2, [16, 8]);
    expect(result.status).toBe('ok');
    expect(result.packets.map((p) => [p.status, p.data.length])).toEqual([
      ['ok', 16],
      ['ok', 8],
    ]);
    const out = await current.remote.isochronousTransferOut(2, new Uint8Array(12), [8, 4]);
    expect(out.packets.map((p) => p.actualLength)).toEqual([8, 4]);
  });

  it('cancel: an aborted transfer completes cancelled and the sharer forgets it', async () => {
    const { remote, source } = await loopbackShare();
    const abort = new AbortController();
    const waiting = remote.transferIn(1, 64, { signal: abort.signal });
    await until(() => source.inFlightCount === 1);
    abort.abort();
    expect((await waiting).status).toBe('cancelled');
    await until(() => source.inFlightCount === 0);
  });

  it('timeout: no completion in time completes timeout, and the sharer is told to cancel', async () => {
    const { remote, source } = await loopbackShare();
    expect((await remote.transferIn(1, 64, { timeoutMs: 30 })).status).toBe('timeout');
    await until(() => source.inFlightCount === 0);
  });

  it('unplug mid-transfer: the waiting transfer completes disconnected, later ones too', async () => {
    const { remote, source, unplug } = await loopbackShare();
    const waiting = remote.transferIn(1, 64);
    await until(() => source.inFlightCount === 1);
    unplug();
    expect((await waiting).status).toBe('disconnected');
    expect((await remote.transferOut(1, Uint8Array.of(1))).status).toBe('disconnected');
  });

  it('a flood of requests: the sharer answers busy past its bound, the receiver past its own', async () => {
    const { remote, source } = await loopbackShare({ source: { maxInFlight: 8 } });
    const abort = new AbortController();
    const waiting = Array.from({ length: 20 }, () => remote.transferIn(1, 64, { signal: abort.signal }));
    await until(() => source.inFlightCount === 8);
    const busy = await Promise.all(waiting.slice(8));
    expect(busy.every((r) => r.status === 'busy')).toBe(true);
    // A full queue blocks even the OUT that would feed it; cancels are never refused, so the receiver
    // can always drain it.
    expect((await remote.transferOut(1, Uint8Array.of(1))).status).toBe('busy');
    abort.abort();
    expect((await Promise.all(waiting.slice(0, 8))).every((r) => r.status === 'cancelled')).toBe(true);
    await until(() => source.inFlightCount === 0);

    const local = await share({ remote: { maxInFlight: 2 } });
    await local.remote.selectConfiguration(GADGET_ZERO.loopbackConfiguration);
    const held = [local.remote.transferIn(1, 8), local.remote.transferIn(1, 8)];
    expect((await local.remote.transferIn(1, 8)).status).toBe('busy');
    local.remote.close();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual(['disconnected', 'disconnected']);
    await local.source.close();
  });
});

describe('WebUsbSource refusals', () => {
  it('says in plain words when Chrome protects every interface, and points HID devices to WebHID', async () => {
    const model = new GadgetZero();
    for (const entry of model.descriptors.filter((d) => d.type === 2)) {
      for (const descriptor of descriptorsIn(entry.bytes)) if (descriptor[1] === 4) descriptor[5] = 0x03;
    }
    const error = await WebUsbSource.open(new SimulatedUsbDevice(model)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsbSourceError);
    expect(error).toMatchObject({ code: 'protected-interface' });
    expect((error as Error).message).toMatch(/interface 0 \(HID\) is a protected USB class/);
    expect((error as Error).message).toMatch(/WebHID/);
  });
});

async function until(condition: () => boolean, timeoutMs = 1000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
