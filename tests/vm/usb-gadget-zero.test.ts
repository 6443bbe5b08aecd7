/**
 * A generic USB device into a real guest kernel (issue 6): a Node SharerSession shares a simulated
 * Gadget Zero (0525:a4a0) through WebUsbSource → the real server → WebRTC → the real `ferry receive`
 * process on the host → a USB sink → the guest kernel, which enumerates the device and drives it
 * through usbfs (tests/vm/usb-loopback.c, the way libusb would): a vendor control write/read round
 * trip (0x5b/0x5c) and bulk loopback of a pseudo-random stream, compared byte for byte, with a
 * throughput figure (printed, not asserted).
 *
 *  - usbip: `ferry receive --sink usbip` on the host, the guest runs `usbip attach -r 10.0.2.2`;
 *  - usbredir: `ferry receive --sink usbredir` on the host, QEMU's `-device usb-redir` connects to it
 *    and puts the device on the guest's xHCI.
 * One VM boot serves both; the sharer hands the device to the next receiver when the first leaves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFerryServer, type FerryServer } from '../../signaling/index.ts';
import { SimulatedUsbDevice, WebUsbSource } from '../../src/devices/usb/index.ts';
import { SharerSession } from '../../src/transport/index.ts';
import { type FerryProcess, startFerryReceive } from '../support/ferry-process.ts';
import { freePort } from '../support/free-port.ts';
import { connectSignaling, nodeLinks } from '../support/node-peers.ts';
import { ensureStaticHelper, startVm, type Vm } from './harness.ts';
import { controlAndBulkLoopback } from './usb-loopback-probe.ts';

const SECRET = 'Z'.repeat(22);
const LOOPBACK_CONFIGURATION = 2;
/** Bulk loopback: 4 MiB each way (16 KiB URBs, 8 in flight: usb-loopback-probe.ts; under the receiver's 64). */
const TOTAL = 4 * 1024 * 1024;

let server: FerryServer;
let source: WebUsbSource;
let sharer: SharerSession;
let link: string;
let vm: Vm;
let probe: string;
let usbredirPort: number;

beforeAll(async () => {
  probe = await ensureStaticHelper('usb-loopback');
  server = await createFerryServer({ port: 0 });
  source = await WebUsbSource.open(new SimulatedUsbDevice());
  const serverUrl = `http://localhost:${server.port}`;
  sharer = new SharerSession({
    signaling: await connectSignaling(serverUrl),
    links: nodeLinks,
    iceServers: [],
    name: 'gadget-zero',
    auth: { link: SECRET },
    approval: 'anyone',
  });
  sharer.addUsbDevice(source);
  const { sessionId } = await sharer.host();
  link = `${serverUrl}/s/${sessionId}#${SECRET}`;
  usbredirPort = await freePort();
  // reconnect=1: QEMU keeps retrying until `ferry receive --sink usbredir` listens, and after it leaves.
  vm = await startVm({
    usb: true,
    extraQemuArgs: [
      ...['-chardev', `socket,id=ferry,host=127.0.0.1,port=${usbredirPort},reconnect=1`],
      ...['-device', 'usb-redir,chardev=ferry,bus=xhci.0'],
    ],
  });
}, 300_000);

afterAll(async () => {
  await vm?.stop();
  sharer?.close();
  await source?.close();
  await server?.close();
});

async function stderrLine(ferry: FerryProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  await expect.poll(() => ferry.stderr.some((line) => pattern.test(line)), { timeout: 30_000 }).toBe(true);
  return ferry.stderr.map((line) => line.match(pattern)).find((match) => match !== null) as RegExpMatchArray;
}

/** The guest's usbfs node for 0525:a4a0 once the kernel has enumerated it. */
async function waitForGadget(seconds = 60): Promise<string> {
  const script =
    `for i in $(seq ${seconds * 5}); do d=$(${probe} find 0525 a4a0) && echo "$d" && exit 0; sleep 0.2; done; ` +
    'dmesg | tail -20 >&2; exit 1';
  return (await vm.runOk(script, { timeoutMs: (seconds + 5) * 1000 })).trim();
}

async function waitGadgetGone(seconds = 15): Promise<boolean> {
  const script = `for i in $(seq ${seconds * 5}); do ${probe} find 0525 a4a0 >/dev/null || exit 0; sleep 0.2; done; exit 1`;
  return (await vm.run(script, { timeoutMs: (seconds + 5) * 1000 })).exitCode === 0;
}

/** What the guest kernel made of the device: sysfs attributes of the device and its interface. */
async function describeGadget(): Promise<Record<string, string>> {
  const text = await vm.runOk(
    'for d in /sys/bus/usb/devices/*; do [ "$(cat $d/idVendor 2>/dev/null)" = 0525 ] || continue; ' +
      'for a in idProduct speed product bConfigurationValue bNumConfigurations; do echo "$a=$(cat $d/$a)"; done; ' +
      'echo "driver=$(basename "$(readlink $d/$(basename $d):*.0/driver)")"; done',
  );
  return Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string]),
  );
}

/** Control and bulk loopback through the guest kernel's usbfs; returns the throughput line. */
function driveGadget(dev: string, seed: number): Promise<string> {
  return controlAndBulkLoopback(vm, probe, dev, {
    configuration: LOOPBACK_CONFIGURATION,
    total: TOTAL,
    seed,
  });
}

describe('Gadget Zero shared over WebUSB, driven by a guest kernel', () => {
  it('usbip: enumerated as 0525:a4a0, vendor control round trip, bulk loopback intact', async () => {
    const ferry = startFerryReceive([link, '--sink', 'usbip', '--usbip-port', '0']);
    try {
      const [, busId, port] = await stderrLine(ferry, /usbip: exported (\S+) on 127\.0\.0\.1:(\d+)/);
      await vm.runOk(`usbip --tcp-port ${port} attach -r 10.0.2.2 -b ${busId}`);
      const dev = await waitForGadget();
      const seen = await describeGadget();
      console.info(`[vm] usbip: guest sees ${JSON.stringify(seen)} at ${dev}`);
      expect(seen).toMatchObject({ idProduct: 'a4a0', speed: '480', product: 'Gadget Zero' });
      expect(seen.bNumConfigurations).toBe('2');

      const figure = await driveGadget(dev, 0x1234_5678);
      console.info(`[vm] usbip bulk loopback through Ferry: ${figure}`);

      ferry.child.kill('SIGINT'); // Ctrl-C: the USB/IP connection closes, vhci-hcd detaches the port
      expect(await ferry.exited).toBe(0);
      expect(await waitGadgetGone()).toBe(true);
    } finally {
      ferry.child.kill('SIGKILL');
    }
  });

  it('usbredir: QEMU usb-redir puts it on the guest xHCI, same checks', async () => {
    const ferry = startFerryReceive([link, '--sink', 'usbredir', '--usbredir-port', String(usbredirPort)]);
    try {
      await stderrLine(ferry, /usbredir: Gadget Zero on 127\.0\.0\.1:\d+ — qemu/);
      const dev = await waitForGadget();
      const seen = await describeGadget();
      console.info(`[vm] usbredir: guest sees ${JSON.stringify(seen)} at ${dev}`);
      expect(seen).toMatchObject({ idProduct: 'a4a0', speed: '480', product: 'Gadget Zero' });
      expect(seen.bNumConfigurations).toBe('2');

      const figure = await driveGadget(dev, 0x0bad_cafe);
      console.info(`[vm] usbredir bulk loopback through Ferry: ${figure}`);

      ferry.child.kill('SIGINT'); // Ctrl-C: device_disconnect, QEMU unplugs the device
      expect(await ferry.exited).toBe(0);
      expect(await waitGadgetGone()).toBe(true);
    } finally {
      ferry.child.kill('SIGKILL');
    }
  });
});
