/**
 * Issue 13 in a real kernel: the same /dev/hidrawN survives a sharer restart. A Node sharer process
 * (tests/support/node-sharer-main.ts: the corpus Genius mouse, a button held) shares to the real
 * `ferry receive --sink usbip` on the host; the guest imports it with `usbip attach` and one hidraw
 * reader stays open across the outage. The sharer is killed (SIGKILL), a new one re-joins the session
 * with the same secret, and the reader, never interrupted, gets the neutral report (button released,
 * motion zero) and then the new sharer's reports, from the same node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFerryServer, type FerryServer } from '../../signaling/index.ts';
import { type FerryProcess, startFerryReceive } from '../support/ferry-process.ts';
import { type NodeSharerProcess, sessionOf, startNodeSharer } from '../support/node-sharer.ts';
import { GuestHidraw } from './guest-hidraw.ts';
import { ensureStaticHelper, startVm, type Vm } from './harness.ts';

const MOUSE = 'genius-gila-mouse-if0';
// A neutral pid.codes id keeps the mouse on hid-generic (no vendor driver rewrites its reports).
const IDS = '1209:0001';
const READS = 40;
const READ_FILE = '/tmp/keep-read.txt';
const NEUTRAL = '0100000000000000';

let vm: Vm;
let probe: string;
let server: FerryServer;
const sharers: NodeSharerProcess[] = [];

beforeAll(async () => {
  probe = await ensureStaticHelper('hidraw-probe');
  server = await createFerryServer({ port: 0 });
  vm = await startVm();
}, 300_000);

afterAll(async () => {
  for (const sharer of sharers) sharer.child.kill('SIGKILL');
  await vm?.stop();
  await server?.close();
});

function sharer(options: Parameters<typeof startNodeSharer>[1]): NodeSharerProcess {
  const started = startNodeSharer(`http://localhost:${server.port}`, { device: MOUSE, ids: IDS, ...options });
  sharers.push(started);
  return started;
}

async function stderrLine(ferry: FerryProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  await expect.poll(() => ferry.stderr.some((line) => pattern.test(line)), { timeout: 30_000 }).toBe(true);
  return ferry.stderr.map((line) => line.match(pattern)).find((match) => match !== null) as RegExpMatchArray;
}

async function readLines(): Promise<string[]> {
  const text = await vm.runOk(`cat ${READ_FILE}`);
  return text.split('\n').filter((line) => line !== '' && line !== 'ready');
}

describe('a kept device in a guest kernel', () => {
  it('usbip: the same /dev/hidrawN and one open reader survive a sharer killed and another re-joining', {
    timeout: 300_000,
  }, async () => {
    const first = sharer({ holdMs: 100 });
    const link = await first.link;
    const ferry = startFerryReceive([link, '--sink', 'usbip', '--usbip-port', '0']);
    try {
      const [, busId, port] = await stderrLine(ferry, /usbip: exported (\S+) on 127\.0\.0\.1:(\d+)/);
      await vm.runOk(`usbip --tcp-port ${port} attach -r 10.0.2.2 -b ${busId}`);
      const node = await new GuestHidraw(vm, probe).waitForNode();
      await vm.runOk(
        `rm -f ${READ_FILE}; setsid sh -c '${probe} read ${node} ${READS} 240000 > ${READ_FILE} 2>&1' ` +
          '</dev/null >/dev/null 2>&1 &',
      );
      await expect.poll(async () => (await readLines()).length, { timeout: 60_000 }).toBeGreaterThan(3);

      first.child.kill('SIGKILL');
      await stderrLine(ferry, /link down: the sharer vanished/);
      await expect.poll(async () => (await readLines()).includes(NEUTRAL), { timeout: 30_000 }).toBe(true);

      await sharer({ holdMs: 100, join: sessionOf(link) }).link;
      await stderrLine(ferry, /resumed .*\(1209:0001\): the same device, kept on this machine/);
      await expect.poll(async () => (await readLines()).length, { timeout: 120_000 }).toBe(READS);

      const lines = await readLines();
      console.info(`[vm] keep: ${node} read ${lines.length} reports across the restart: ${lines.join(' ')}`);
      expect(lines.some((line) => /error|timeout/.test(line))).toBe(false);
      const neutralAt = lines.indexOf(NEUTRAL);
      expect(lines[neutralAt - 1]).not.toBe(NEUTRAL); // a button was held before the link went down
      expect(lines.slice(neutralAt + 1).some((line) => line !== NEUTRAL)).toBe(true); // and again after
      expect((await vm.runOk('ls /dev/hidraw*')).trim()).toBe(node);
      expect(ferry.stderr.filter((line) => /usbip: exported/.test(line))).toHaveLength(1);
      ferry.child.kill('SIGINT');
      expect(await ferry.exited).toBe(0);
    } finally {
      ferry.child.kill('SIGKILL');
    }
  });
});
