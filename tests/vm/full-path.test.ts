/**
 * The whole Ferry path into real kernels, one VM boot for all three sinks: a Chromium share page with
 * the Chrome-faithful fake `navigator.hid` (a DualShock 3 from the corpus: numbered reports, a
 * recording, output and feature reports) → the real server → WebRTC → the real `ferry receive` process
 * → a sink → the guest kernel's /dev/hidraw. Each sink must deliver the replayed recording byte for
 * byte, carry a hidraw write to the device's output reports, and round-trip feature reports.
 *
 *  - usbredir: `ferry receive --sink usbredir` on the host, QEMU's `-device usb-redir` connects to it;
 *  - usbip: `ferry receive --sink usbip` on the host, the guest runs `usbip attach -r 10.0.2.2`;
 *  - uhid: `ferry receive --sink uhid` runs INSIDE the guest (the host's node over 9p) and reaches the
 *    host's Chromium over WebRTC through QEMU's user networking.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCorpusDevice } from '../support/corpus.ts';
import { type FerryProcess, startFerryReceive } from '../support/ferry-process.ts';
import { freePort } from '../support/free-port.ts';
import { GuestHidraw } from './guest-hidraw.ts';
import { ensureStaticHelper, startVm, type Vm } from './harness.ts';
import { repoRoot } from './paths.ts';
import { openSharerPage, type SharerPage } from './sharer-page.ts';

const DEVICE = 'sony-dualshock3-usb';
const REPLAYED = 40;
const REPORT_SIZE = 48; // every DualShock 3 report (input 1, output 1, features) is 48 bytes + the id

let sharer: SharerPage;
let vm: Vm;
let hidraw: GuestHidraw;
let usbredirPort: number;

const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
/** 48 bytes that differ per sink, so that each test finds its own output and feature reports. */
const pattern = (seed: number) =>
  toHex(Uint8Array.from({ length: REPORT_SIZE }, (_, i) => (seed * 37 + i) & 0xff));

beforeAll(async () => {
  const probe = await ensureStaticHelper('hidraw-probe');
  usbredirPort = await freePort();
  sharer = await openSharerPage(DEVICE, { vendorId: 0x1209, productId: 0x0001 });
  // reconnect=1: QEMU keeps retrying until `ferry receive --sink usbredir` listens, and after it leaves.
  vm = await startVm({
    usb: true,
    memoryMb: 1024,
    extraQemuArgs: [
      ...['-chardev', `socket,id=ferry,host=127.0.0.1,port=${usbredirPort},reconnect=1`],
      ...['-device', 'usb-redir,chardev=ferry,bus=xhci.0'],
    ],
  });
  hidraw = new GuestHidraw(vm, probe);
}, 300_000);

afterAll(async () => {
  await vm?.stop();
  await sharer?.close();
});

/** Input, output and both feature directions through `node`; `seed` keeps the sinks' data apart. */
async function exerciseSharedDevice(node: string, seed: number): Promise<void> {
  await hidraw.startReading(node, REPLAYED);
  const replayed = await sharer.replay(REPLAYED, 10);
  expect(replayed.delivered).toBe(REPLAYED);
  const expected = loadCorpusDevice(DEVICE)
    .recording.slice(0, REPLAYED)
    .map(({ report }) => toHex(report));
  expect(await hidraw.readReports(REPLAYED)).toEqual(expected);

  const output = pattern(seed);
  expect(await hidraw.write(node, `01${output}`)).toBe('ok');
  await expect
    .poll(() => sharer.outputs(), { timeout: 10_000 })
    .toContainEqual({ reportId: 1, bytes: output });

  const stored = pattern(seed + 1);
  await sharer.setFeature(2, stored);
  expect(await hidraw.getFeature(node, 2, REPORT_SIZE + 1)).toBe(`02${stored}`);

  const written = pattern(seed + 2);
  expect(await hidraw.setFeature(node, `01${written}`)).toBe('ok');
  expect((await sharer.features())[1]).toBe(written);
}

async function stderrLine(ferry: FerryProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  await expect.poll(() => ferry.stderr.some((line) => pattern.test(line)), { timeout: 30_000 }).toBe(true);
  return ferry.stderr.map((line) => line.match(pattern)).find((match) => match !== null) as RegExpMatchArray;
}

async function interrupt(ferry: FerryProcess): Promise<number | null> {
  ferry.child.kill('SIGINT');
  return ferry.exited;
}

describe('the full Ferry path from a Chromium sharer into a guest kernel', () => {
  it('usbredir: ferry receive on the host, QEMU usb-redir in front of the guest', async () => {
    const ferry = startFerryReceive([
      sharer.link,
      '--sink',
      'usbredir',
      '--usbredir-port',
      String(usbredirPort),
    ]);
    try {
      await stderrLine(ferry, /usbredir: .* on 127\.0\.0\.1:\d+ — qemu/);
      const node = await hidraw.waitForNode();
      await exerciseSharedDevice(node, 1);
      expect(await interrupt(ferry)).toBe(0); // Ctrl-C: device_disconnect, then exit 0
      expect(await hidraw.waitGone(node)).toBe(true);
    } finally {
      ferry.child.kill('SIGKILL');
    }
  });

  it('usbip: ferry receive on the host, usbip attach in the guest', async () => {
    const ferry = startFerryReceive([sharer.link, '--sink', 'usbip', '--usbip-port', '0']);
    try {
      const [, busId, port] = await stderrLine(ferry, /usbip: exported (\S+) on 127\.0\.0\.1:(\d+)/);
      await vm.runOk(`usbip --tcp-port ${port} attach -r 10.0.2.2 -b ${busId}`);
      const node = await hidraw.waitForNode();
      await exerciseSharedDevice(node, 2);
      expect(await interrupt(ferry)).toBe(0); // Ctrl-C: the USB/IP connection closes, vhci detaches
      expect(await hidraw.waitGone(node)).toBe(true);
    } finally {
      ferry.child.kill('SIGKILL');
    }
  });

  /**
   * Starts `ferry receive --sink uhid` inside the guest — the built CLI (`npm run build`, as an installed
   * package runs it: tsx compiling the sources in an emulated CPU took longer than the pair timeout on a
   * loaded machine) — and waits for its hidraw node. WebRTC through
   * slirp's NAT from a software-emulated guest occasionally fails to pair; each attempt is a fresh
   * process (and so a fresh peer connection), and every attempt's log is kept for the failure message.
   */
  async function pairGuestReceiver(attempts = 3): Promise<string> {
    const { port } = sharer.server;
    const args = `receive ${sharer.link} --sink uhid --signal http://10.0.2.2:${port} --stats 60 --pair-timeout 60`;
    const logs: string[] = [];
    for (let attempt = 1; attempt <= attempts; attempt++) {
      await vm.runOk(
        `rm -f /tmp/ferry.exit; cd ${repoRoot} && setsid sh -c 'node dist/cli/ferry.mjs ${args} >/tmp/ferry.out 2>/tmp/ferry.err; ` +
          `echo $? >/tmp/ferry.exit' </dev/null >/dev/null 2>&1 &`,
      );
      try {
        return await hidraw.waitForNode(75);
      } catch (error) {
        const log = await vm.runOk("cat /tmp/ferry.err; pkill -f 'dist/cli/[f]erry.mjs'; sleep 1; true");
        logs.push(`attempt ${attempt}: ${(error as Error).message}\n${log}`);
        console.info(`[vm] uhid in the guest: attempt ${attempt} did not pair:\n${logs.at(-1)}`);
      }
    }
    throw new Error(
      `the guest's ferry receive never paired:\n${logs.join('\n--- ferry in the guest ---\n')}`,
    );
  }

  it('uhid: ferry receive inside the guest, WebRTC to the host through user networking', {
    timeout: 600_000,
  }, async () => {
    const node = await pairGuestReceiver();
    await exerciseSharedDevice(node, 3);
    // The guest's host candidate (10.0.2.15) is unreachable from here: Chromium can only have learned
    // the guest from its checks arriving through slirp's NAT, i.e. as a peer-reflexive candidate.
    const pair = await sharer.selectedCandidates();
    console.info(`[vm] uhid in the guest: selected ICE pair ${JSON.stringify(pair)}`);
    expect(pair?.remote).toMatch(/^prflx /);
    // The share ends (the sharer's tab closes): a closing page says it is leaving (it cannot tell a close
    // from a reload), so ferry keeps the node for PAGE_RETURN_MS (15 s), then UHID_DESTROY and exit 0.
    await sharer.closePage();
    const gone = await hidraw.waitGone(node, 60);
    if (!gone)
      console.info(
        `[vm] uhid in the guest: still there after the tab closed; ferry said:\n${await vm.runOk('cat /tmp/ferry.err')}`,
      );
    expect(gone).toBe(true);
    const exit = await vm.runOk(
      'for i in $(seq 100); do [ -s /tmp/ferry.exit ] && break; sleep 0.2; done; cat /tmp/ferry.exit',
    );
    expect(exit.trim()).toBe('0');
  });
});
