/**
 * Issue 13, swaps, through real processes: a Node sharer (tests/support/node-sharer-main.ts) replaces its
 * shared device while the link stays up (SharerSession.replaceDevice, DEVICE_GONE `swapped`), and the
 * real `ferry receive --sink log --sink usbip --json` decides. An identical device carries on: no
 * removal, one add, the same bus id still listed by the real `usbip list -r`, and the new device's
 * reports arrive. A different device is a removal plus a new device. A generic USB device swapped for
 * another Gadget Zero (SharerSession.replaceUsbDevice) keeps its USB/IP export and loops bulk data back.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createFerryServer } from '../../signaling/index.ts';
import { SimulatedUsbDevice, WebUsbSource } from '../../src/devices/usb/index.ts';
import { EXIT_CODES } from '../../src/receiver/receive.ts';
import { SharerSession } from '../../src/transport/index.ts';
import { cleanupAfterEach } from '../support/cleanups.ts';
import { type FerryProcess, startFerryReceive } from '../support/ferry-process.ts';
import { connectSignaling, nodeLinks } from '../support/node-peers.ts';
import { type NodeSharerProcess, startNodeSharer } from '../support/node-sharer.ts';
import { usbipLoopback } from '../support/usbip-loopback.ts';

const USBIP = '/usr/sbin/usbip';
const PAD = 'sony-dualshock3-usb';
const MOUSE = 'genius-gila-mouse-if0';
const EXPORTED = /usbip: exported (\S+) on 127\.0\.0\.1:(\d+)/;
const execFileAsync = promisify(execFile);
const defer = cleanupAfterEach();

/** A hosted share of `device` (its held buttons played every 20 ms) and a receiver with log+usbip. */
async function shareAndReceive(device: string): Promise<{
  sharer: NodeSharerProcess;
  ferry: FerryProcess;
  busId: string;
  list: () => Promise<string>;
}> {
  if (!existsSync(USBIP)) throw new Error(`${USBIP} is missing: apt-get install usbip`);
  const server = await createFerryServer({ port: 0 });
  defer(() => server.close());
  const sharer = startNodeSharer(server.url, { device, holdMs: 20 });
  defer(() => sharer.child.kill('SIGKILL'));
  const args = [await sharer.link, '--json', '--sink', 'log', '--sink', 'usbip', '--usbip-port', '0'];
  const ferry = startFerryReceive(args);
  defer(() => ferry.child.kill('SIGKILL'));
  const [, busId, port] = (await stderrMatching(ferry, EXPORTED)).match(EXPORTED)!;
  const list = async () =>
    (await execFileAsync(USBIP, ['--tcp-port', String(port), 'list', '-r', '127.0.0.1'])).stdout;
  return { sharer, ferry, busId: busId!, list };
}

async function stderrMatching(ferry: FerryProcess, pattern: RegExp, timeout = 20_000): Promise<string> {
  await expect.poll(() => ferry.stderr.join('\n'), { timeout }).toMatch(pattern);
  return ferry.stderr.find((line) => pattern.test(line)) ?? '';
}

/** The --json lines of one type. */
function jsonLines(ferry: FerryProcess, type: string): Array<Record<string, unknown>> {
  return ferry.stdout
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.type === type);
}

describe('ferry receive when the sharer swaps a device', () => {
  it('an identical device carries on: no removal, one add, the same usbip bus id, its reports arrive', async () => {
    const { sharer, ferry, busId, list } = await shareAndReceive(MOUSE);
    await expect.poll(() => jsonLines(ferry, 'input').length, { timeout: 20_000 }).toBeGreaterThan(5);
    expect(await list()).toMatch(new RegExp(`${busId}: .*\\(0458:0138\\)`));

    await sharer.swap(MOUSE);
    await stderrMatching(ferry, /swapped .*\(0458:0138\): the sharer replaced it with an equivalent device/);
    const before = jsonLines(ferry, 'input').length;
    await expect
      .poll(() => jsonLines(ferry, 'input').length, { timeout: 20_000 })
      .toBeGreaterThan(before + 5);

    const after = await list();
    expect(after).toMatch(new RegExp(`${busId}: .*\\(0458:0138\\)`));
    expect(after.match(/\(0458:0138\)/g)).toHaveLength(1);
    expect(ferry.stderr.filter((line) => EXPORTED.test(line))).toHaveLength(1);
    expect(jsonLines(ferry, 'device')).toHaveLength(1);
    expect(ferry.stderr.join('\n')).not.toMatch(/removed|unexported|gone:/);
    ferry.child.kill('SIGINT');
    expect(await ferry.exited).toBe(EXIT_CODES.ended);
  });

  it('a different device is a removal plus a new device, exported anew', async () => {
    // The freed bus id may be handed out again: the second export line and the new ids tell them apart.
    const { sharer, ferry, list } = await shareAndReceive(MOUSE);
    await expect.poll(() => jsonLines(ferry, 'input').length, { timeout: 20_000 }).toBeGreaterThan(5);

    await sharer.swap(PAD);
    await stderrMatching(ferry, /removed .*\(0458:0138\): the sharer replaced it with a different device/);
    await expect.poll(() => ferry.stderr.filter((line) => EXPORTED.test(line)).length).toBe(2);
    const devices = jsonLines(ferry, 'device');
    expect(devices.map((device) => [device.vendorId, device.productId])).toEqual([
      [0x0458, 0x0138],
      [0x054c, 0x0268],
    ]);
    const after = await list();
    expect(after).toMatch(/\(054c:0268\)/);
    expect(after).not.toMatch(/\(0458:0138\)/);
    const before = jsonLines(ferry, 'input').length;
    await expect
      .poll(() => jsonLines(ferry, 'input').length, { timeout: 20_000 })
      .toBeGreaterThan(before + 5);
    ferry.child.kill('SIGINT');
    expect(await ferry.exited).toBe(EXIT_CODES.ended);
  });

  it('a generic USB device swapped for another Gadget Zero keeps its export: same bus id, bulk loopback', async () => {
    if (!existsSync(USBIP)) throw new Error(`${USBIP} is missing: apt-get install usbip`);
    const server = await createFerryServer({ port: 0 });
    defer(() => server.close());
    const secret = 'W'.repeat(22);
    const sharer = new SharerSession({
      signaling: await connectSignaling(server.url),
      links: nodeLinks,
      iceServers: [],
      name: 'desk',
      auth: { link: secret },
      approval: 'anyone',
    });
    defer(() => sharer.close());
    const first = await WebUsbSource.open(new SimulatedUsbDevice());
    const index = sharer.addUsbDevice(first);
    const { sessionId } = await sharer.host();
    const ferry = startFerryReceive([
      `${server.url}/s/${sessionId}#${secret}`,
      '--sink',
      'usbip',
      '--usbip-port',
      '0',
    ]);
    defer(() => ferry.child.kill('SIGKILL'));
    const [, busId, port] = (await stderrMatching(ferry, EXPORTED)).match(EXPORTED)!;

    const next = await WebUsbSource.open(new SimulatedUsbDevice());
    defer(() => next.close());
    sharer.replaceUsbDevice(index, next);
    await first.close();
    await stderrMatching(
      ferry,
      /swapped Gadget Zero \(0525:a4a0\): the sharer replaced it with an equivalent device/,
    );
    const { stdout } = await execFileAsync(USBIP, ['--tcp-port', String(port), 'list', '-r', '127.0.0.1']);
    expect(stdout.match(/\(0525:a4a0\)/g)).toHaveLength(1);
    expect(stdout).toMatch(new RegExp(`${busId}: .*\\(0525:a4a0\\)`));
    const chunks = [Uint8Array.from({ length: 600 }, (_, i) => (i * 7) & 0xff)];
    const { echoed } = await usbipLoopback(Number(port), busId!, chunks);
    expect(echoed.map((chunk) => [...chunk])).toEqual(chunks.map((chunk) => [...chunk]));
    expect(ferry.stderr.filter((line) => EXPORTED.test(line))).toHaveLength(1);
    expect(ferry.stderr.join('\n')).not.toMatch(/removed/);
    ferry.child.kill('SIGINT');
    expect(await ferry.exited).toBe(EXIT_CODES.ended);
  });
});
