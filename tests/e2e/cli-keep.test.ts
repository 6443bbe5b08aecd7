/**
 * Issue 13 through the real `ferry receive` process: the device outlives the link. A sharer process is
 * killed (SIGKILL, no goodbye) and a new one re-joins the same session with the same secret: within
 * --grace the receiver stays, the device is kept (no removal, no second add, the same USB/IP bus id),
 * held buttons are released by a neutral report when the link drops, reports resume, and a backlog
 * older than --fresh is dropped and counted. Past the grace the device is removed and the run exits 5;
 * --keep stays up through a goodbye.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createFerryServer, type FerryServer } from '../../signaling/index.ts';
import { WebHidSource } from '../../src/devices/index.ts';
import { SimulatedUsbDevice, WebUsbSource } from '../../src/devices/usb/index.ts';
import { decodeReport, parseReportDescriptor } from '../../src/hid/index.ts';
import { EXIT_CODES } from '../../src/receiver/receive.ts';
import { SharerSession } from '../../src/transport/index.ts';
import { cleanupAfterEach } from '../support/cleanups.ts';
import { hexToBytes, loadCorpusDevice } from '../support/corpus.ts';
import { type FerryProcess, startFerryReceive } from '../support/ferry-process.ts';
import { connectSignaling, nodeLinks, simulatedCorpusDevice } from '../support/node-peers.ts';
import {
  type NodeSharerOptions,
  type NodeSharerProcess,
  sessionOf,
  startNodeSharer,
} from '../support/node-sharer.ts';
import { usbipLoopback } from '../support/usbip-loopback.ts';

const USBIP = '/usr/sbin/usbip';
const MOUSE = 'genius-gila-mouse-if0';
const execFileAsync = promisify(execFile);
const defer = cleanupAfterEach();

async function server(): Promise<FerryServer> {
  const started = await createFerryServer({ port: 0 });
  defer(() => started.close());
  return started;
}

function sharerProcess(url: string, options: NodeSharerOptions = {}): NodeSharerProcess {
  const sharer = startNodeSharer(url, options);
  defer(() => sharer.child.kill('SIGKILL'));
  return sharer;
}

function receiveProcess(args: string[]): FerryProcess {
  const ferry = startFerryReceive(args);
  defer(() => ferry.child.kill('SIGKILL'));
  return ferry;
}

async function stderrMatching(ferry: FerryProcess, pattern: RegExp, timeout = 20_000): Promise<string> {
  await expect.poll(() => ferry.stderr.join('\n'), { timeout }).toMatch(pattern);
  return ferry.stderr.find((line) => pattern.test(line)) ?? '';
}

/** The report bytes of hid-recorder `E:` lines on stdout (the report id byte leads). */
function events(ferry: FerryProcess): Uint8Array[] {
  return ferry.stdout
    .filter((line) => line.startsWith('E: '))
    .map((line) => hexToBytes(line.split(' ').slice(3).join('')));
}

async function killed(sharer: NodeSharerProcess): Promise<void> {
  const exited = new Promise((done) => sharer.child.once('exit', done));
  sharer.child.kill('SIGKILL');
  await exited;
}

describe('ferry receive keeps the device when the link goes down', () => {
  it('a sharer killed and another re-joining the session within the grace: kept, released, resumed, stale dropped', async () => {
    const { url } = await server();
    const first = sharerProcess(url, { device: MOUSE, holdMs: 20 });
    const link = await first.link;
    const ferry = receiveProcess([link, '--stats', '1']);
    await expect.poll(() => events(ferry).length, { timeout: 20_000 }).toBeGreaterThan(5);

    await killed(first);
    await stderrMatching(ferry, /link down: the sharer vanished.*keeping 1 device\(s\) for 60 s/);
    // The neutral report: every button of the held mouse released, its motion at zero.
    const model = parseReportDescriptor(loadCorpusDevice(MOUSE).descriptor);
    await expect
      .poll(() => {
        const [neutral] = events(ferry).slice(-1);
        return (
          neutral &&
          decodeReport(model, 'input', neutral[0]!, neutral.subarray(1)).values.every((v) => v === 0)
        );
      })
      .toBe(true);
    const seen = events(ferry);
    const held = seen.at(-2)!;
    const heldButtons = decodeReport(model, 'input', held[0]!, held.subarray(1)).fields.filter((field) =>
      field.usages.some((usage) => usage >>> 16 === 0x09),
    );
    expect(heldButtons.some((field) => field.values.some((v) => v !== 0))).toBe(true);
    expect([...seen.at(-1)!]).toEqual([held[0], ...new Array(held.length - 1).fill(0)]);
    await stderrMatching(ferry, /reconnecting \(\d+ s\), 1 outage, path=none/);

    await sharerProcess(url, { device: MOUSE, holdMs: 20, backlog: 5, join: sessionOf(link) }).link;
    await stderrMatching(ferry, /resumed .*\(0458:0138\): the same device, kept on this machine/);
    await stderrMatching(ferry, /reconnected after \d+\.\d s \(outage 1\)/);
    await expect.poll(() => events(ferry).length, { timeout: 20_000 }).toBeGreaterThan(seen.length + 5);
    await stderrMatching(ferry, /1 device\(s\), .*, 1 outage, 5 stale dropped, path=/);

    expect(ferry.stdout.filter((line) => line.startsWith('I: '))).toHaveLength(1);
    expect(ferry.stderr.join('\n')).not.toMatch(/removed|connection lost|gone:/);
    ferry.child.kill('SIGINT');
    expect(await ferry.exited).toBe(EXIT_CODES.ended);
  });

  it('with the usbip sink (and --json), the same export stays listed under the same bus id', async () => {
    if (!existsSync(USBIP)) throw new Error(`${USBIP} is missing: apt-get install usbip`);
    const { url } = await server();
    const first = sharerProcess(url);
    const link = await first.link;
    const ferry = receiveProcess([link, '--json', '--sink', 'log', '--sink', 'usbip', '--usbip-port', '0']);
    const exported = /usbip: exported (\S+) on 127\.0\.0\.1:(\d+)/;
    const [, busId, port] = (await stderrMatching(ferry, exported)).match(exported)!;
    const list = async () =>
      (await execFileAsync(USBIP, ['--tcp-port', String(port), 'list', '-r', '127.0.0.1'])).stdout;
    expect(await list()).toMatch(new RegExp(`${busId}: .*\\(054c:0268\\)`));

    await killed(first);
    await stderrMatching(ferry, /link down/);
    expect(await list()).toMatch(new RegExp(`${busId}: .*\\(054c:0268\\)`));
    await sharerProcess(url, { join: sessionOf(link) }).link;
    await stderrMatching(ferry, /resumed .*\(054c:0268\)/);

    const after = await list();
    expect(after).toMatch(new RegExp(`${busId}: .*\\(054c:0268\\)`));
    expect(after.match(/\(054c:0268\)/g)).toHaveLength(1);
    expect(ferry.stderr.filter((line) => exported.test(line))).toHaveLength(1);
    // --json: the device was added once, and never removed.
    const devices = ferry.stdout.filter((line) => (JSON.parse(line) as { type: string }).type === 'device');
    expect(devices).toHaveLength(1);
    ferry.child.kill('SIGINT');
    expect(await ferry.exited).toBe(EXIT_CODES.ended);
  });

  it('past the grace the device is removed and the run exits 5 ("gone")', async () => {
    const { url } = await server();
    const first = sharerProcess(url);
    const ferry = receiveProcess([await first.link, '--grace', '1']);
    await ferry.waitForLine((line) => line.startsWith('I: '));
    await killed(first);
    expect(await ferry.exited).toBe(EXIT_CODES.gone);
    const stderr = ferry.stderr.join('\n');
    expect(stderr).toMatch(/removed .*\(054c:0268\): no sharer brought it back within 1 s \(--grace\)/);
    expect(stderr).toMatch(/ferry: gone: the sharer did not come back within 1 s \(--grace\)/);
  });

  it('--keep stays up through a goodbye and takes the device back when a sharer returns', async () => {
    const { url } = await server();
    const secret = 'K'.repeat(22);
    const gone = await inProcessSharer(url, secret);
    const { sessionId } = await gone.host();
    const ferry = receiveProcess([`${url}/s/${sessionId}#${secret}`, '--keep']);
    await ferry.waitForLine((line) => line.startsWith('I: '));
    gone.close(); // Stop sharing: a goodbye
    // Whether the goodbye or the closing link is seen first, --keep keeps the device and waits.
    await stderrMatching(ferry, /link down: .*keeping 1 device\(s\).*as long as this runs \(--keep\)/);

    const back = await inProcessSharer(url, secret);
    await back.join({ sessionId });
    await stderrMatching(ferry, /resumed .*\(054c:0268\)/);
    expect(ferry.stdout.filter((line) => line.startsWith('I: '))).toHaveLength(1);
    back.close();
    await expect.poll(() => ferry.stderr.filter((line) => /link down/.test(line)).length).toBe(2);
    expect(ferry.child.exitCode).toBeNull();
    ferry.child.kill('SIGINT');
    expect(await ferry.exited).toBe(EXIT_CODES.ended);
  });

  it('--keep with the usbip sink keeps a generic USB device: same bus id, bulk loopback through the new link', async () => {
    if (!existsSync(USBIP)) throw new Error(`${USBIP} is missing: apt-get install usbip`);
    const { url } = await server();
    const secret = 'U'.repeat(22);
    const gone = await inProcessSharer(url, secret, 'usb');
    const { sessionId } = await gone.host();
    const ferry = receiveProcess([
      `${url}/s/${sessionId}#${secret}`,
      '--keep',
      '--sink',
      'usbip',
      '--usbip-port',
      '0',
    ]);
    const exported = /usbip: exported (\S+) on 127\.0\.0\.1:(\d+)/;
    const [, busId, port] = (await stderrMatching(ferry, exported)).match(exported)!;
    gone.close();
    await stderrMatching(ferry, /link down: the sharer stopped sharing; keeping 1 device\(s\)/);

    const back = await inProcessSharer(url, secret, 'usb');
    await back.join({ sessionId });
    await stderrMatching(ferry, /resumed Gadget Zero \(0525:a4a0\): the same device, kept on this machine/);
    const { stdout } = await execFileAsync(USBIP, ['--tcp-port', String(port), 'list', '-r', '127.0.0.1']);
    expect(stdout.match(/\(0525:a4a0\)/g)).toHaveLength(1);
    expect(stdout).toMatch(new RegExp(`${busId}: .*\\(0525:a4a0\\)`));
    const chunks = [Uint8Array.from({ length: 600 }, (_, i) => i & 0xff)];
    const { echoed } = await usbipLoopback(Number(port), busId!, chunks);
    expect(echoed.map((chunk) => [...chunk])).toEqual(chunks.map((chunk) => [...chunk]));
    expect(ferry.stderr.filter((line) => exported.test(line))).toHaveLength(1);
    ferry.child.kill('SIGINT');
    expect(await ferry.exited).toBe(EXIT_CODES.ended);
  });
});

async function inProcessSharer(
  url: string,
  secret: string,
  kind: 'hid' | 'usb' = 'hid',
): Promise<SharerSession> {
  const sharer = new SharerSession({
    signaling: await connectSignaling(url),
    links: nodeLinks,
    iceServers: [],
    name: 'desk',
    auth: { link: secret },
    approval: 'anyone',
  });
  defer(() => sharer.close());
  if (kind === 'usb') {
    const source = await WebUsbSource.open(new SimulatedUsbDevice());
    defer(() => source.close());
    sharer.addUsbDevice(source);
    return sharer;
  }
  const { device } = simulatedCorpusDevice('sony-dualshock3-usb');
  await device.open();
  sharer.addDevice(await WebHidSource.open(device as unknown as HIDDevice, new EventTarget()));
  return sharer;
}
