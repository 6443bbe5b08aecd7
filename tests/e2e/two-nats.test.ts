/**
 * Ferry across two NATs, on this machine (tests/support/netns.ts): the Ferry server (`ferry serve`
 * with --turn-url and FERRY_TURN_SECRET) and a real coturn on the "public" router; the sharer — real
 * Chromium with a corpus device behind fake WebHID — behind one masquerading NAT router; the real
 * `ferry receive` behind another. Both ends take their ICE servers (STUN + a per-client TURN credential)
 * from the server's /config.json.
 *  (a) NATs that allow hole punching: a direct path (STUN-learned addresses), every report byte-exact.
 *  (b) UDP between the two NATs dropped: the path is relayed through coturn, every report byte-exact.
 *  (c) Both ends say which: the share page's receiver status and `ferry receive`'s stats line.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintTurnCredential } from '../../signaling/turn-credentials.ts';
import { approveReceiver } from '../support/approval.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH, collectPageErrors } from '../support/browser.ts';
import { loadCorpusDevice } from '../support/corpus.ts';
import { type Coturn, startCoturn } from '../support/coturn.ts';
import { fakeDeviceFromCorpus } from '../support/fake-device-from-corpus.ts';
import { type FerryProcess, startFerryReceive } from '../support/ferry-process.ts';
import { installFakeWebHid } from '../support/install-fake.ts';
import {
  createTwoNatNet,
  namespacesOfThisProcess,
  SERVICES_ADDRESS,
  type TwoNatNet,
} from '../support/netns.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const DEVICE = 'sony-dualshock3-usb';
const REPLAYED = 120;
/** Inside the namespaces nothing else listens, so the usual ports are free. */
const ORIGIN = `http://${SERVICES_ADDRESS}:8080`;
/** A second server that publishes only STUN (no TURN): receivers bring their own with --ice. */
const STUN_ONLY_ORIGIN = `http://${SERVICES_ADDRESS}:8081`;
const TURN_URL = `turn:${SERVICES_ADDRESS}:3478?transport=udp`;
const SECRET = randomBytes(16).toString('hex');

let net: TwoNatNet;
let coturn: Coturn;
const servers: ChildProcessWithoutNullStreams[] = [];
const serverLog: string[] = [];
let browser: Browser;
let wrapperDir: string;
const cleanups: Array<() => unknown> = [];

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');

/** `ferry serve`, the real server process, in the public namespace, with these ICE flags. */
async function startServer(
  ns: string,
  port: number,
  iceFlags: string[],
): Promise<ChildProcessWithoutNullStreams> {
  const args = [
    ...['netns', 'exec', ns, process.execPath, 'src/cli/bin.js', 'serve'],
    ...['--host', SERVICES_ADDRESS, '--port', String(port), '--static', 'dist', ...iceFlags],
  ];
  const child = spawn('ip', args, { cwd: ROOT, env: { ...process.env, FERRY_TURN_SECRET: SECRET } });
  createInterface({ input: child.stderr }).on('line', (line) => serverLog.push(line));
  const lines = createInterface({ input: child.stdout });
  await new Promise<void>((ready, fail) => {
    lines.on('line', (line) => {
      serverLog.push(line);
      if (line.startsWith('Ferry is running')) ready();
    });
    child.once('exit', (code) => fail(new Error(`the server exited (${code}):\n${serverLog.join('\n')}`)));
  });
  return child;
}

/** Chromium inside the sharer's namespace: Playwright starts it through `ip netns exec` (fds are kept). */
function launchChromiumIn(ns: string): Promise<Browser> {
  wrapperDir = mkdtempSync(join(tmpdir(), 'ferry-chromium-'));
  const wrapper = join(wrapperDir, 'chromium');
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${ns} ${CHROMIUM_PATH} "$@"\n`);
  chmodSync(wrapper, 0o755);
  // WebHID needs a secure context; the test's own address is plain http, so it is declared secure.
  const args = [...CHROMIUM_ARGS, `--unsafely-treat-insecure-origin-as-secure=${ORIGIN},${STUN_ONLY_ORIGIN}`];
  return chromium.launch({ executablePath: wrapper, args });
}

beforeAll(async () => {
  net = createTwoNatNet();
  coturn = await startCoturn({
    netns: net.publicNs,
    address: SERVICES_ADDRESS,
    port: 3478,
    secret: SECRET,
    minPort: 49_152,
    maxPort: 49_251,
  });
  servers.push(await startServer(net.publicNs, 8080, ['--turn-url', TURN_URL, '--turn-ttl', '3600']));
  servers.push(await startServer(net.publicNs, 8081, ['--ice', `stun:${SERVICES_ADDRESS}:3478`]));
  browser = await launchChromiumIn(net.sharer.ns);
});

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await browser?.close();
  for (const server of servers) server.kill('SIGTERM');
  await coturn?.close();
  net?.close();
  if (wrapperDir) rmSync(wrapperDir, { recursive: true, force: true });
  expect(namespacesOfThisProcess()).toEqual([]);
});

async function sharerPage(origin: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext();
  cleanups.push(() => context.close());
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await installFakeWebHid(page, { devices: [fakeDeviceFromCorpus(DEVICE)] });
  await page.goto(`${origin}/`);
  await page.getByTestId('share-button').click();
  const link = page.getByTestId('share-link');
  await expect.poll(() => link.inputValue(), { timeout: 20_000 }).toMatch(/\/s\/[\w-]{22}#[\w-]{22}$/);
  return { page, errors };
}

function receive(link: string, flags: string[]): FerryProcess {
  const ferry = startFerryReceive([link, '--stats', '1', ...flags], { netns: net.receiver.ns });
  cleanups.push(() => ferry.child.kill('SIGKILL'));
  return ferry;
}

/** For a failure message: the share page's receivers and last error, and coturn's latest lines. */
async function whatTheSharerSaw(page: Page): Promise<string> {
  const text = (id: string) =>
    page
      .getByTestId(id)
      .textContent({ timeout: 1000 })
      .catch(() => '(none)');
  const turn = coturn.log.filter((line) => line.includes('session')).slice(-15);
  return `share page: receivers "${await text('status-peers')}", last error "${await text('last-error')}"\ncoturn:\n${turn.join('\n')}`;
}

async function replay(page: Page, count: number): Promise<void> {
  await page.evaluate(
    (count) =>
      (
        window as unknown as { __ferryFakeHid: { replay(i: number, o: object): Promise<unknown> } }
      ).__ferryFakeHid.replay(0, { count, intervalMs: 2 }),
    count,
  );
}

function expectedEvents(count: number): string[] {
  return loadCorpusDevice(DEVICE)
    .recording.slice(0, count)
    .map(({ report }) => `${report.length} ${hex(report)}`);
}

/** The newest `path=…` that `ferry receive` printed (its connect line and every stats line carry one). */
function latestPath(ferry: FerryProcess): string | undefined {
  return ferry.stderr.findLast((line) => line.includes('path='))?.match(/path=\S+( rtt=\d+ms)? via=\S+/)?.[0];
}

/**
 * Shares the corpus device from the page to `ferry receive` and checks every report arrives byte-exact,
 * then that both ends name `kind` as the path (polling: ICE may settle on a better pair after the first).
 */
async function shareAcross(kind: 'direct' | 'relayed', origin = ORIGIN, receiveFlags: string[] = []) {
  const sharer = await sharerPage(origin);
  const ferry = receive(await sharer.page.getByTestId('share-link').inputValue(), receiveFlags);
  await approveReceiver(sharer.page);
  await ferry
    .waitForLine((line) => line.startsWith('R: '), 30_000)
    .catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await whatTheSharerSaw(sharer.page)}`);
    });

  await replay(sharer.page, REPLAYED);
  const events = () => ferry.stdout.filter((line) => line.startsWith('E: '));
  await expect.poll(() => events().length, { timeout: 20_000 }).toBe(REPLAYED);
  expect(events().map((line) => line.replace(/^E: \d{6}\.\d{6} /, ''))).toEqual(expectedEvents(REPLAYED));

  await expect
    .poll(() => latestPath(ferry), { timeout: 20_000 })
    .toMatch(new RegExp(`^path=${kind} rtt=\\d+ms`));
  const status = sharer.page.getByTestId('status-path');
  await expect.poll(() => status.getAttribute('data-path'), { timeout: 20_000 }).toBe(kind);
  expect(await status.textContent()).toMatch(/RTT \d+ ms/);
  expect(sharer.errors).toEqual([]);
  return { sharer, ferry };
}

describe('two NATs', () => {
  it('(a) hole punching: a direct path between the STUN-learned addresses, byte-exact, shown at both ends', async () => {
    const { ferry, sharer } = await shareAcross('direct');
    const via = latestPath(ferry)?.split('via=')[1] ?? '';
    expect(via).not.toMatch(/relay/);
    expect(await sharer.page.getByTestId('status-path').textContent()).toMatch(/^direct/);
  });

  it('(b) direct UDP blocked: relayed through coturn with its per-client credentials, byte-exact, shown at both ends', async () => {
    net.blockDirectUdp();
    const logFrom = coturn.log.length;
    try {
      const { ferry, sharer } = await shareAcross('relayed');
      expect(latestPath(ferry)).toMatch(/via=[a-z]+\/[a-z]+/);
      expect(await sharer.page.getByTestId('status-path').textContent()).toMatch(/^relayed through TURN/);
      expect(net.droppedUdp()).toBeGreaterThan(0); // the direct checks were tried, and dropped
      // Both ends allocated on coturn, each with a username of its own.
      const users = new Set(
        coturn.log
          .slice(logFrom)
          .flatMap(
            (line) =>
              /user <(\d+:[\w-]+)>: incoming packet ALLOCATE processed, success/.exec(line)?.[1] ?? [],
          ),
      );
      expect(users.size).toBeGreaterThanOrEqual(2);
    } finally {
      net.allowDirectUdp();
    }
  });

  it('(b) with a server that publishes only STUN: `ferry receive --ice turn:USER:PASSWORD@…` brings its own relay', async () => {
    net.blockDirectUdp();
    try {
      const credential = mintTurnCredential(SECRET, 600);
      const ice = `turn:${encodeURIComponent(credential.username)}:${encodeURIComponent(credential.credential)}@${SERVICES_ADDRESS}:3478?transport=udp`;
      const { ferry, sharer } = await shareAcross('relayed', STUN_ONLY_ORIGIN, ['--ice', ice]);
      // Only the receiver has a relay candidate: the sharer reaches it from its NAT's public address.
      expect(latestPath(ferry)).toMatch(/via=relay\//);
      expect(await sharer.page.getByTestId('status-path').textContent()).toMatch(/↔ relay/);
      const allocated = coturn.log.some((line) =>
        line.includes(`user <${credential.username}>: incoming packet ALLOCATE processed, success`),
      );
      expect(allocated).toBe(true);
    } finally {
      net.allowDirectUdp();
    }
  });
});
