/**
 * USB/IP against a real kernel: the guest's vhci-hcd imports the shared device from the host's
 * UsbipSink (10.0.2.2 is the host's loopback), usbhid binds it, and /dev/hidraw0 must deliver the
 * input reports byte for byte.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsbipSink } from '../../src/receiver/sinks/usbip/sink.ts';
import { FakeHidDevice, loadCorpus, recordedReports } from '../unit/sinks/usb-test-device.ts';
import { startVm, type Vm } from './harness.ts';

// The Genius keyboard's own VID:PID (0458:4018) is claimed by hid-kye; a neutral pid.codes id keeps
// the test on hid-generic, so it does not depend on the guest's module autoloading.
const entry = { ...loadCorpus('genius-imperator-keyboard-if0'), vendorId: 0x1209, productId: 0x0001 };
const reports = recordedReports(entry)
  .filter(({ data }) => data.some((b) => b !== 0))
  .slice(0, 3);
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('usbip attach in a VM', () => {
  const device = new FakeHidDevice(entry);
  const sink = new UsbipSink({ port: 0 });
  let vm: Vm;
  let port = 0;

  beforeAll(async () => {
    port = (await sink.listen()).port;
    await sink.attach(device);
    vm = await startVm();
  }, 300_000);
  afterAll(async () => {
    await vm?.stop();
    await sink.close();
  });

  it('reads the input reports from /dev/hidraw0', async () => {
    // The harness loads vhci-hcd and usbhid at boot; modprobe only if a future image does not.
    await vm.runOk(
      `(grep -q vhci_hcd /proc/modules || modprobe vhci-hcd) && usbip --tcp-port ${port} attach -r 10.0.2.2 -b 1-1`,
    );
    await vm.runOk(
      'for i in $(seq 100); do [ -e /dev/hidraw0 ] && exit 0; sleep 0.2; done; dmesg | tail -20; exit 1',
    );
    const size = reports[0]?.data.length ?? 8;
    await vm.runOk(
      `setsid sh -c 'dd if=/dev/hidraw0 bs=${size} count=${reports.length} of=/tmp/hid.bin 2>/dev/null' </dev/null >/dev/null 2>&1 &`,
    );
    await delay(2000);
    for (const { reportId, data } of reports) device.emitInput(reportId, data);
    const dump = await vm.runOk(
      'for i in $(seq 50); do [ -s /tmp/hid.bin ] && [ $(wc -c < /tmp/hid.bin) -ge ' +
        `${size * reports.length} ] && break; sleep 0.2; done; od -An -tx1 -v /tmp/hid.bin`,
    );
    const expected = reports.map(({ data }) => Buffer.from(data).toString('hex')).join('');
    expect(dump.replace(/\s+/g, '')).toBe(expected);
  }, 120_000);
});
