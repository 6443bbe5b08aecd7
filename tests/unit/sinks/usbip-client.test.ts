/**
 * Interop with Debian's real `usbip` client (package `usbip`). `usbip list -r` speaks only the
 * devlist operation over TCP, so it needs no kernel module and runs on any Linux host.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsbipSink } from '../../../src/receiver/sinks/usbip/sink.ts';
import { FakeHidDevice } from './usb-test-device.ts';

const USBIP = '/usr/sbin/usbip';
const run = promisify(execFile);

describe('real usbip client', () => {
  const sink = new UsbipSink({ port: 0 });
  let port = 0;

  beforeAll(async () => {
    if (!existsSync(USBIP)) {
      throw new Error(
        `${USBIP} is missing: install it with "apt-get install -y usbip" (Debian) before running these tests`,
      );
    }
    port = (await sink.listen()).port;
    await sink.attach(FakeHidDevice.fromCorpus('cherry-keyboard-usb'));
    await sink.attach(FakeHidDevice.fromCorpus('sony-dualshock4-usb'));
  });
  afterAll(() => sink.close());

  it('`usbip list -r` shows each device with its VID:PID and HID interface class', async () => {
    const { stdout } = await run(USBIP, ['--tcp-port', String(port), 'list', '-r', '127.0.0.1'], {
      timeout: 10_000,
    });
    expect(stdout).toMatch(/1-1: .*\(046a:0011\)/);
    expect(stdout).toMatch(/1-2: .*\(054c:05c4\)/);
    expect(stdout).toContain('/sys/devices/platform/ferry/usb1/1-1');
    // Class 0 at device level, HID (03/00/00) on interface 0.
    expect(stdout).toMatch(/\(00\/00\/00\)/);
    expect(stdout).toMatch(/0 - .*\(03\/00\/00\)/);
  });
});
