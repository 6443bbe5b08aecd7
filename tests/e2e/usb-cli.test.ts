/**
 * `ferry receive` as a real process receiving a generic USB device (a simulated Gadget Zero shared by a
 * Node SharerSession): the log describes it, USB/IP exports it on the same server as HID devices, Debian's
 * real `usbip list -r` lists 0525:a4a0, and bulk loopback data crosses the whole path intact.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import wrtc from '@roamhq/wrtc';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createFerryServer } from '../../signaling/index.ts';
import { SimulatedUsbDevice, WebUsbSource } from '../../src/devices/usb/index.ts';
import {
  type Permission,
  SharerSession,
  SignalingClient,
  simplePeerLinks,
  type WebSocketConstructor,
} from '../../src/transport/index.ts';
import { cleanupAfterEach, killedAfter } from '../support/cleanups.ts';
import { type FerryProcess, startFerryReceive } from '../support/ferry-process.ts';
import { usbipLoopback } from '../support/usbip-loopback.ts';

const USBIP = '/usr/sbin/usbip';
const SECRET = 'G'.repeat(22);
const execFileAsync = promisify(execFile);
const defer = cleanupAfterEach();

const ferry = (args: string[]): FerryProcess => killedAfter(defer, startFerryReceive(args));

/** A Node sharer with a simulated Gadget Zero; resolves to the link a receiver joins. */
async function shareGadgetZero(anyonePermission: Permission = 'full') {
  const server = await createFerryServer({ port: 0 });
  defer(() => server.close());
  const source = await WebUsbSource.open(new SimulatedUsbDevice());
  defer(() => source.close());
  const signaling = new SignalingClient(WebSocket as unknown as WebSocketConstructor);
  await signaling.connect(`ws://localhost:${server.port}/signal`);
  const sharer = new SharerSession({
    signaling,
    links: simplePeerLinks(wrtc),
    iceServers: [],
    name: 'desk',
    auth: { link: SECRET },
    approval: 'anyone',
    anyonePermission,
  });
  defer(() => sharer.close());
  sharer.addUsbDevice(source);
  const { sessionId } = await sharer.host();
  return { sharer, link: `http://localhost:${server.port}/s/${sessionId}#${SECRET}` };
}

async function stderrMatch(process: FerryProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  await expect.poll(() => process.stderr.some((line) => pattern.test(line)), { timeout: 20_000 }).toBe(true);
  return process.stderr
    .map((line) => line.match(pattern))
    .find((match) => match !== null) as RegExpMatchArray;
}

describe('ferry receive with a shared generic USB device', () => {
  it('log + usbip: described, listed by usbip, bulk loopback intact, summary on Ctrl-C', async () => {
    if (!existsSync(USBIP)) throw new Error(`${USBIP} is missing: apt-get install usbip`);
    const { link } = await shareGadgetZero();
    const process = ferry([link, '--sink', 'log', '--sink', 'usbip', '--usbip-port', '0']);
    await process.waitForLine((line) => line.startsWith('# Ferry USB: Gadget Zero (0525:a4a0)'));
    const [, port] = await stderrMatch(process, /usbip: exported 1-1 on 127\.0\.0\.1:(\d+)/);
    const { stdout } = await execFileAsync(USBIP, ['--tcp-port', String(port), 'list', '-r', '127.0.0.1']);
    expect(stdout).toMatch(/1-1: .*\(0525:a4a0\)/);
    expect(stdout).toMatch(/0 - Vendor Specific Class .*\(ff\/00\/00\)/);

    const chunks = Array.from({ length: 12 }, (_, n) =>
      Uint8Array.from({ length: 512 * (n + 1) + n }, (_, i) => (i * 31 + n) & 0xff),
    );
    const { echoed, statuses } = await usbipLoopback(Number(port), '1-1', chunks);
    expect([...statuses.values()].every((status) => status === 0)).toBe(true);
    expect(echoed).toEqual(chunks);

    process.child.kill('SIGINT');
    expect(await process.exited).toBe(0);
    // The control transfer and the 24 bulk URBs, in bytes both ways.
    const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    expect(process.stdout.join('\n')).toMatch(
      new RegExp(
        `# Ferry USB: Gadget Zero gone: 25 transfers \\(25 ok\\), ${total} bytes in, ${total} bytes out`,
      ),
    );
  });

  it('granted input only, a USB/IP host is refused a configuration change with EPERM, from the sharer', async () => {
    if (!existsSync(USBIP)) throw new Error(`${USBIP} is missing: apt-get install usbip`);
    const { link } = await shareGadgetZero('input');
    const process = ferry([link, '--sink', 'log', '--sink', 'usbip', '--usbip-port', '0']);
    const [, port] = await stderrMatch(process, /usbip: exported 1-1 on 127\.0\.0\.1:(\d+)/);
    expect(process.stderr.join('\n')).toMatch(/ferry: granted input only: /);
    // SET_CONFIGURATION to the loopback configuration is a state change: -EPERM (1) comes back.
    await expect(usbipLoopback(Number(port), '1-1', [Uint8Array.of(1, 2, 3)])).rejects.toThrow(
      'SET_CONFIGURATION failed: -1',
    );
    process.child.kill('SIGINT');
    expect(await process.exited).toBe(0);
    await expect
      .poll(() => process.stdout.join('\n'))
      .toMatch(/Gadget Zero gone: 1 transfers \(1 not-allowed\)/);
  });

  it('usbredir takes the generic device too: a port for QEMU, the receiver holds it', async () => {
    const { link, sharer } = await shareGadgetZero();
    const process = ferry([link, '--sink', 'usbredir', '--usbredir-port', '0']);
    await stderrMatch(process, /usbredir: Gadget Zero on 127\.0\.0\.1:\d+ — qemu-system-x86_64/);
    expect(process.stderr.join('\n')).not.toMatch(/HID devices only/);
    expect(sharer.status().usbDevices[0]?.holder).toBeDefined();
    process.child.kill('SIGINT');
    expect(await process.exited).toBe(0);
  });
});
