import { afterEach, describe, expect, it } from 'vitest';
import { Errno, OpCode } from '../../../src/receiver/sinks/usbip/protocol.ts';
import { UsbipSink } from '../../../src/receiver/sinks/usbip/sink.ts';
import { FakeHidDevice, hex, loadCorpus, recordedReports } from './usb-test-device.ts';
import { TestSocket } from './usb-test-socket.ts';
import {
  devlistRequest,
  getDescriptorSetup,
  importDevice,
  readDevlist,
  readRetSubmit,
  readRetUnlink,
  submitRequest,
  unlinkRequest,
} from './usbip-test-client.ts';

const sinks: UsbipSink[] = [];
afterEach(async () => {
  await Promise.all(sinks.splice(0).map((sink) => sink.close()));
});

async function startSink(...devices: FakeHidDevice[]) {
  const sink = new UsbipSink({ port: 0 });
  sinks.push(sink);
  const { port } = await sink.listen();
  for (const device of devices) await sink.attach(device);
  return { sink, port };
}

async function importedSocket(port: number, busId = '1-1') {
  const socket = await TestSocket.open(port);
  const { op } = await importDevice(socket, busId);
  expect(op.status).toBe(0);
  return socket;
}

const setConfiguration = (seqnum: number) =>
  submitRequest({
    seqnum,
    direction: 0,
    ep: 0,
    transferBufferLength: 0,
    setup: { bmRequestType: 0x00, bRequest: 0x09, wValue: 1, wIndex: 0, wLength: 0 },
  });

describe('USB/IP server over TCP', () => {
  it('lists exported devices with bus ids, VID:PID and the HID interface', async () => {
    const { port } = await startSink(
      FakeHidDevice.fromCorpus('cherry-keyboard-usb'),
      FakeHidDevice.fromCorpus('sony-dualshock4-usb'),
    );
    const socket = await TestSocket.open(port);
    socket.write(devlistRequest());
    const { op, devices } = await readDevlist(socket);
    expect(op).toEqual({ version: 0x0111, code: OpCode.repDevlist, status: 0 });
    expect(devices.map((d) => [d.busId, d.idVendor, d.idProduct, d.speed, d.bDeviceClass])).toEqual([
      ['1-1', 0x046a, 0x0011, 2, 0],
      ['1-2', 0x054c, 0x05c4, 2, 0],
    ]);
    expect([...(devices[0]?.interfaces ?? [])]).toEqual([3, 0, 0, 0]);
    await socket.closed;
  });

  it('imports a device and answers GET_DESCRIPTOR locally', async () => {
    const entry = loadCorpus('cherry-keyboard-usb');
    const { port } = await startSink(new FakeHidDevice(entry));
    const socket = await importedSocket(port);

    socket.write(
      submitRequest({
        seqnum: 1,
        direction: 1,
        ep: 0,
        transferBufferLength: 64,
        setup: getDescriptorSetup(1, 0, 64),
      }),
    );
    const device = await readRetSubmit(socket);
    expect(device.status).toBe(0);
    expect(device.seqnum).toBe(1);
    expect([...device.data.subarray(0, 4)]).toEqual([18, 1, 0x00, 0x02]);
    expect(device.data.length).toBe(18);

    const reportLength = hex(entry.descriptor).length;
    socket.write(
      submitRequest({
        seqnum: 2,
        direction: 1,
        ep: 0,
        transferBufferLength: 512,
        setup: getDescriptorSetup(0x22, 0, 512, 1),
      }),
    );
    const report = await readRetSubmit(socket);
    expect(report.actualLength).toBe(reportLength);
    expect(Buffer.from(report.data).toString('hex')).toBe(entry.descriptor);
    socket.destroy();
  });

  it('completes a waiting interrupt IN URB with the next input report, byte for byte', async () => {
    const entry = loadCorpus('sony-dualshock3-usb');
    const device = new FakeHidDevice(entry);
    const { port } = await startSink(device);
    const socket = await importedSocket(port);
    socket.write(setConfiguration(1));
    expect((await readRetSubmit(socket)).status).toBe(0);

    socket.write(submitRequest({ seqnum: 2, direction: 1, ep: 1, transferBufferLength: 64 }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const [first] = recordedReports(entry);
    if (first === undefined) throw new Error('corpus entry has no recording');
    device.emitInput(first.reportId, first.data);
    const completion = await readRetSubmit(socket);
    expect(completion.seqnum).toBe(2);
    expect(completion.status).toBe(0);
    expect(Buffer.from(completion.data).toString('hex')).toBe(entry.recording?.[0]?.report);
    socket.destroy();
  });

  it('unlinks a waiting URB with -ECONNRESET and a completed one with 0', async () => {
    const { port } = await startSink(FakeHidDevice.fromCorpus('cherry-keyboard-usb'));
    const socket = await importedSocket(port);
    socket.write(submitRequest({ seqnum: 5, direction: 1, ep: 1, transferBufferLength: 8 }));
    socket.write(unlinkRequest(6, 5));
    const unlinked = await readRetUnlink(socket);
    expect(unlinked).toMatchObject({ seqnum: 6, status: -Errno.ECONNRESET });
    socket.write(unlinkRequest(7, 5));
    expect(await readRetUnlink(socket)).toMatchObject({ seqnum: 7, status: 0 });
    expect(await socket.pendingBytes(30)).toBe(0);
    socket.destroy();
  });

  it('maps SET_REPORT(Output) and GET_REPORT(Feature) onto the device', async () => {
    const device = FakeHidDevice.fromCorpus('sony-dualshock4-usb');
    device.features.set(0x02, Uint8Array.of(1, 2, 3));
    const { port } = await startSink(device);
    const socket = await importedSocket(port);
    const output = Uint8Array.of(0x05, 0xff, 0x04);
    socket.write(
      submitRequest({
        seqnum: 1,
        direction: 0,
        ep: 0,
        transferBufferLength: output.length,
        setup: { bmRequestType: 0x21, bRequest: 0x09, wValue: 0x0205, wIndex: 0, wLength: output.length },
        data: output,
      }),
    );
    expect(await readRetSubmit(socket, 0)).toMatchObject({ seqnum: 1, status: 0, actualLength: 3 });
    expect(device.outputs).toEqual([{ reportId: 5, data: Uint8Array.of(0xff, 0x04) }]);

    socket.write(
      submitRequest({
        seqnum: 2,
        direction: 1,
        ep: 0,
        transferBufferLength: 64,
        setup: { bmRequestType: 0xa1, bRequest: 0x01, wValue: 0x0302, wIndex: 0, wLength: 64 },
      }),
    );
    const feature = await readRetSubmit(socket);
    expect([...feature.data]).toEqual([2, 1, 2, 3]);

    socket.write(
      submitRequest({
        seqnum: 3,
        direction: 1,
        ep: 0,
        transferBufferLength: 64,
        setup: { bmRequestType: 0xa1, bRequest: 0x01, wValue: 0x0399, wIndex: 0, wLength: 64 },
      }),
    );
    expect((await readRetSubmit(socket)).status).toBe(-Errno.EPIPE);
    socket.destroy();
  });

  it('when the share ends: pending URBs fail with -ESHUTDOWN, the client is closed, the device vanishes', async () => {
    const device = FakeHidDevice.fromCorpus('cherry-keyboard-usb');
    const { port } = await startSink(device);
    const socket = await importedSocket(port);
    socket.write(submitRequest({ seqnum: 9, direction: 1, ep: 1, transferBufferLength: 8 }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    device.close();
    expect(await readRetSubmit(socket)).toMatchObject({ seqnum: 9, status: -Errno.ESHUTDOWN });
    await socket.closed;

    const lister = await TestSocket.open(port);
    lister.write(devlistRequest());
    expect((await readDevlist(lister)).devices).toEqual([]);
  });

  it('refuses a second importer of the same device but keeps the first', async () => {
    const { port } = await startSink(FakeHidDevice.fromCorpus('cherry-keyboard-usb'));
    const first = await importedSocket(port);
    const second = await TestSocket.open(port);
    expect((await importDevice(second, '1-1')).op.status).toBe(1);
    await second.closed;
    first.write(
      submitRequest({
        seqnum: 1,
        direction: 1,
        ep: 0,
        transferBufferLength: 18,
        setup: getDescriptorSetup(1, 0, 18),
      }),
    );
    expect((await readRetSubmit(first)).status).toBe(0);
    first.destroy();
  });
});
