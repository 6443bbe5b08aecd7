/** Gadget Zero's semantics, seen through the simulated USBDevice with Chrome's rules. */
import { describe, expect, it } from 'vitest';
import {
  GADGET_ZERO,
  GadgetZeroRequest,
  gadgetZeroPattern,
  SimulatedUsbDevice,
} from '../../../src/devices/usb/index.ts';

const vendor = (request: number): USBControlTransferParameters => ({
  requestType: 'vendor',
  recipient: 'device',
  request,
  value: 0,
  index: 0,
});

const bytes = (view: DataView | undefined) =>
  new Uint8Array(view!.buffer, view!.byteOffset, view!.byteLength);

async function opened(configuration?: number): Promise<SimulatedUsbDevice> {
  const device = new SimulatedUsbDevice();
  await device.open();
  if (configuration !== undefined) await device.selectConfiguration(configuration);
  await device.claimInterface(0);
  return device;
}

describe('Gadget Zero', () => {
  it('looks like g_zero: 0525:a4a0, vendor class, source/sink (3) then loopback (2)', () => {
    const device = new SimulatedUsbDevice();
    expect([device.vendorId, device.productId, device.deviceClass]).toEqual([0x0525, 0xa4a0, 0xff]);
    expect(device.productName).toBe('Gadget Zero');
    expect(device.configurations.map((c) => [c.configurationValue, c.configurationName])).toEqual([
      [3, 'source and sink data'],
      [2, 'loop input to output'],
    ]);
    expect(device.configuration?.configurationValue).toBe(3);
    const alternates = device.configurations[0]!.interfaces[0]!.alternates;
    expect(alternates[1]!.endpoints.map((e) => `${e.endpointNumber}${e.direction} ${e.type}`)).toEqual([
      '1in bulk',
      '1out bulk',
      '2in isochronous',
      '2out isochronous',
    ]);
  });

  it('vendor requests 0x5b/0x5c write and read back the ep0 buffer', async () => {
    const device = await opened();
    const written = await device.controlTransferOut(
      vendor(GadgetZeroRequest.writeBuffer),
      Uint8Array.of(1, 2, 3, 4),
    );
    expect(written).toMatchObject({ status: 'ok', bytesWritten: 4 });
    const read = await device.controlTransferIn(vendor(GadgetZeroRequest.readBuffer), 4);
    expect([...bytes(read.data)]).toEqual([1, 2, 3, 4]);
    const tooLong = await device.controlTransferIn(
      vendor(GadgetZeroRequest.readBuffer),
      GADGET_ZERO.ep0BufferSize + 1,
    );
    expect(tooLong.status).toBe('stall');
  });

  it('source sends the mod-63 pattern; sink halts its endpoint on other data until clearHalt', async () => {
    const device = await opened();
    const source = await device.transferIn(1, 1024);
    expect(bytes(source.data)).toEqual(gadgetZeroPattern(1024));
    expect((await device.transferOut(1, gadgetZeroPattern(600))).status).toBe('ok');
    expect(await device.transferOut(1, Uint8Array.of(7))).toMatchObject({ status: 'stall', bytesWritten: 0 });
    expect((await device.transferOut(1, gadgetZeroPattern(10))).status).toBe('stall');
    await device.clearHalt('out', 1);
    expect((await device.transferOut(1, gadgetZeroPattern(10))).status).toBe('ok');
  });

  it('loopback returns OUT data on IN, and an IN waits for data', async () => {
    const device = await opened(GADGET_ZERO.loopbackConfiguration);
    const waiting = device.transferIn(1, 512);
    await device.transferOut(1, Uint8Array.of(1, 2, 3));
    expect([...bytes((await waiting).data)]).toEqual([1, 2, 3]);
    await device.transferOut(1, new Uint8Array(100).fill(9));
    expect(await device.transferIn(1, 10)).toMatchObject({ status: 'babble' });
  });

  it('isochronous endpoints exist only in alternate 1', async () => {
    const device = await opened();
    await expect(device.isochronousTransferIn(2, [8])).rejects.toMatchObject({ name: 'NotFoundError' });
    await device.selectAlternateInterface(0, 1);
    const result = await device.isochronousTransferIn(2, [8, 4]);
    expect(result.packets.map((p) => [p.status, p.data?.byteLength])).toEqual([
      ['ok', 8],
      ['ok', 4],
    ]);
  });
});

describe("Chrome's rules on the simulated USBDevice", () => {
  it('needs open, then a claimed interface for its endpoints', async () => {
    const device = new SimulatedUsbDevice();
    await expect(device.transferIn(1, 8)).rejects.toMatchObject({ name: 'InvalidStateError' });
    await device.open();
    await expect(device.transferIn(1, 8)).rejects.toMatchObject({
      name: 'NotFoundError',
      message: 'The specified endpoint is not part of a claimed and selected alternate interface.',
    });
    await expect(device.transferIn(0, 8)).rejects.toMatchObject({ name: 'IndexSizeError' });
    await expect(device.selectAlternateInterface(0, 1)).rejects.toMatchObject({ name: 'InvalidStateError' });
  });

  it('refuses protected interface classes with SecurityError', async () => {
    const device = new SimulatedUsbDevice(undefined, { protectedClasses: new Set([0xff]) });
    await device.open();
    await expect(device.claimInterface(0)).rejects.toMatchObject({
      name: 'SecurityError',
      message: 'The requested interface implements a protected class.',
    });
  });

  it('unplugging rejects a waiting transfer with NotFoundError, and later calls too', async () => {
    const device = await opened(GADGET_ZERO.loopbackConfiguration);
    const waiting = device.transferIn(1, 8);
    device.unplug();
    await expect(waiting).rejects.toMatchObject({
      name: 'NotFoundError',
      message: 'The device was disconnected.',
    });
    await expect(device.open()).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(device.opened).toBe(false);
  });

  it('releasing the interface aborts its waiting transfers (AbortError)', async () => {
    const device = await opened(GADGET_ZERO.loopbackConfiguration);
    const waiting = device.transferIn(1, 8);
    await device.releaseInterface(0);
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });
});
