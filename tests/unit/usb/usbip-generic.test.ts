/**
 * A shared Gadget Zero behind the USB/IP sink (the same server that exports HID devices): Debian's real
 * `usbip list -r` sees it, and a minimal URB client drives control and bulk transfers and an unlink end
 * to end.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GADGET_ZERO } from '../../../src/devices/usb/index.ts';
import { UsbipSink } from '../../../src/receiver/sinks/usbip/sink.ts';
import { FakeHidDevice } from '../sinks/usb-test-device.ts';
import { TestSocket } from '../sinks/usb-test-socket.ts';
import {
  getDescriptorSetup,
  importDevice,
  readRetSubmit,
  readRetUnlink,
  submitRequest,
  unlinkRequest,
} from '../sinks/usbip-test-client.ts';
import { type Share, share } from './usb-share-harness.ts';

const USBIP = '/usr/sbin/usbip';
const run = promisify(execFile);

describe('generic USB/IP export of a shared Gadget Zero', () => {
  const sink = new UsbipSink({ port: 0 });
  let shared: Share;
  let port = 0;

  beforeAll(async () => {
    if (!existsSync(USBIP)) {
      throw new Error(
        `${USBIP} is missing: install it with "apt-get install -y usbip" (Debian) before running these tests`,
      );
    }
    port = (await sink.listen()).port;
    shared = await share();
    await sink.attachUsb(shared.remote);
  });
  afterAll(async () => {
    await sink.close();
    await shared.source.close();
  });

  it('`usbip list -r` shows 0525:a4a0 with its vendor-specific class', async () => {
    const { stdout } = await run(USBIP, ['--tcp-port', String(port), 'list', '-r', '127.0.0.1'], {
      timeout: 10_000,
    });
    expect(stdout).toMatch(/1-1: .*\(0525:a4a0\)/);
    expect(stdout).toMatch(/\(ff\/00\/00\)/);
    expect(stdout).toMatch(/0 - .*\(ff\/00\/00\)/);
    expect(sink.busIds()).toEqual(['1-1']);
  });

  it('URBs: descriptors answered locally, SET_CONFIGURATION, bulk loopback, unlink of a waiting IN', async () => {
    const socket = await TestSocket.open(port);
    expect((await importDevice(socket, '1-1')).device?.idVendor).toBe(0x0525);
    socket.write(
      submitRequest({
        seqnum: 1,
        direction: 1,
        ep: 0,
        transferBufferLength: 18,
        setup: getDescriptorSetup(1, 0, 18),
      }),
    );
    const device = await readRetSubmit(socket);
    expect([device.status, device.data[8], device.data[9]]).toEqual([0, 0x25, 0x05]);
    const setConfiguration = {
      bmRequestType: 0,
      bRequest: 9,
      wValue: GADGET_ZERO.loopbackConfiguration,
      wIndex: 0,
      wLength: 0,
    };
    socket.write(
      submitRequest({ seqnum: 2, direction: 0, ep: 0, transferBufferLength: 0, setup: setConfiguration }),
    );
    expect((await readRetSubmit(socket)).status).toBe(0);
    socket.write(
      submitRequest({
        seqnum: 3,
        direction: 0,
        ep: 1,
        transferBufferLength: 3,
        data: Uint8Array.of(4, 5, 6),
      }),
    );
    expect(await readRetSubmit(socket, 0)).toMatchObject({ seqnum: 3, status: 0, actualLength: 3 });
    socket.write(submitRequest({ seqnum: 4, direction: 1, ep: 1, transferBufferLength: 512 }));
    expect(await readRetSubmit(socket)).toMatchObject({ seqnum: 4, status: 0, data: Uint8Array.of(4, 5, 6) });
    socket.write(submitRequest({ seqnum: 5, direction: 1, ep: 1, transferBufferLength: 512 }));
    socket.write(unlinkRequest(6, 5));
    expect(await readRetUnlink(socket)).toMatchObject({ seqnum: 6, status: -104 });
    socket.destroy();
    await socket.closed;
  });

  it('one server lists generic and HID devices side by side; a share ending removes its export', async () => {
    const second = await share();
    await second.remote.selectConfiguration(GADGET_ZERO.loopbackConfiguration);
    await sink.attachUsb(second.remote);
    const keyboard = FakeHidDevice.fromCorpus('cherry-keyboard-usb');
    await sink.attach(keyboard);
    expect(sink.busIds()).toEqual(['1-1', '1-2', '1-3']);
    const { stdout } = await run(USBIP, ['--tcp-port', String(port), 'list', '-r', '127.0.0.1'], {
      timeout: 10_000,
    });
    expect(stdout).toMatch(/1-2: .*\(0525:a4a0\)/);
    expect(stdout).toMatch(/1-3: .*\(046a:0011\)/);
    expect(stdout).toMatch(/0 - Human Interface Device/);
    expect(sink.describe(second.remote)).toEqual([expect.stringMatching(/exported 1-2 on 127\.0\.0\.1/)]);
    second.remote.close();
    keyboard.close();
    expect(sink.busIds()).toEqual(['1-1']);
    await second.source.close();
  });
});
