/**
 * usbredir against real QEMU: `-device usb-redir` connects to the host's UsbredirSink as usb-guest,
 * the guest kernel enumerates the device on QEMU's xHCI, and /dev/hidraw0 must deliver the input
 * reports byte for byte.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsbredirSink } from '../../src/receiver/sinks/usbredir/sink.ts';
import { FakeHidDevice, loadCorpus, recordedReports } from '../unit/sinks/usb-test-device.ts';
import { startVm, type Vm } from './harness.ts';

// A neutral pid.codes VID:PID keeps the guest on hid-generic (the Genius id is claimed by hid-kye).
const entry = { ...loadCorpus('genius-imperator-keyboard-if0'), vendorId: 0x1209, productId: 0x0001 };
const reports = recordedReports(entry)
  .filter(({ data }) => data.some((b) => b !== 0))
  .slice(0, 3);
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('QEMU usb-redir in a VM', () => {
  const device = new FakeHidDevice(entry);
  const sink = new UsbredirSink({ port: 0 });
  let vm: Vm;

  beforeAll(async () => {
    await sink.attach(device);
    const port = sink.endpoints()[0]?.port;
    vm = await startVm({
      usb: true,
      extraQemuArgs: [
        ...['-chardev', `socket,id=ferry,host=127.0.0.1,port=${port},reconnect=1`],
        ...['-device', 'usb-redir,chardev=ferry,bus=xhci.0'],
      ],
    });
  }, 300_000);
  afterAll(async () => {
    await vm?.stop();
    await sink.close();
  });

  it('reads the input reports from /dev/hidraw0', async () => {
    await vm.runOk(
      'for i in $(seq 150); do [ -e /dev/hidraw0 ] && exit 0; sleep 0.2; done; dmesg | tail -20; exit 1',
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
