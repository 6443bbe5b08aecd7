/**
 * The sharer end of the full-path VM tests: the real server and a real Chromium share page holding the
 * Chrome-faithful fake `navigator.hid` with a corpus device. Tests drive the device through
 * `window.__ferryFakeHid`; this module only gives those calls types.
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { createFerryServer, type FerryServer } from '../../signaling/index.ts';
import { allowAnyone } from '../support/approval.ts';
import { launchChromium } from '../support/browser.ts';
import { fakeDeviceFromCorpus } from '../support/fake-device-from-corpus.ts';
import type { FakeHidControl, ReplayResult, SentReport } from '../support/fake-webhid/config.ts';
import { installFakeWebHid } from '../support/install-fake.ts';
import { repoRoot } from './paths.ts';

export interface SharerPage {
  readonly server: FerryServer;
  readonly page: Page;
  /** The share link the page shows (sharer first: receivers join it). */
  readonly link: string;
  replay(count: number, intervalMs: number): Promise<ReplayResult>;
  outputs(): Promise<SentReport[]>;
  features(): Promise<Record<number, string>>;
  setFeature(reportId: number, hex: string): Promise<void>;
  /** The ICE candidates of the newest connected peer's selected pair, e.g. `prflx 192.0.2.9:5000`. */
  selectedCandidates(): Promise<{ local: string; remote: string } | undefined>;
  /** Ends the share the way a person does: the tab goes away. */
  closePage(): Promise<void>;
  close(): Promise<void>;
}

type Controlled = Window & { __ferryFakeHid: FakeHidControl };

async function shareFirstDevice(page: Page): Promise<string> {
  // The receiver runs inside the guest; nobody is at this page to approve it.
  await allowAnyone(page);
  await page.getByTestId('share-button').click();
  // Playwright's locators see into the Lit components' shadow roots; poll until the link is filled in.
  const input = page.getByTestId('share-link');
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const link = await input.inputValue({ timeout: deadline - Date.now() }).catch(() => '');
    if (/\/s\/[\w-]{22}#[\w-]{22}$/.test(link)) return link;
    await page.waitForTimeout(100);
  }
  throw new Error('the share page never showed a share link');
}

/**
 * `vendorId`/`productId` override the corpus ids: the guest has no udev rules and loads drivers by
 * modalias, so a known id (Sony's 054c:0268) would bind a vendor driver that rewrites reports.
 * 1209:0001 (pid.codes' test id) keeps every path on hid-generic.
 */
export async function openSharerPage(corpus: string, ids: { vendorId: number; productId: number }) {
  const dist = `${repoRoot}dist`;
  if (!existsSync(`${dist}/index.html`) || !existsSync(`${dist}/cli/ferry.mjs`)) {
    throw new Error('build the web app and the CLI first: npm run build');
  }
  const server = await createFerryServer({ port: 0, staticDir: dist });
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const page = await browser.newPage();
    await installFakeWebHid(page, { devices: [fakeDeviceFromCorpus(corpus, ids)] });
    await page.addInitScript(recordPeerConnections);
    await page.goto(`http://localhost:${server.port}/`);
    const link = await shareFirstDevice(page);
    return sharerPage(server, browser, page, link);
  } catch (error) {
    await browser?.close();
    await server.close();
    throw error;
  }
}

// The callbacks below run in the page: each names `window.__ferryFakeHid` itself (no closures).
function sharerPage(server: FerryServer, browser: Browser, page: Page, link: string): SharerPage {
  return {
    server,
    page,
    link,
    replay: (count, intervalMs) =>
      page.evaluate((options) => (window as unknown as Controlled).__ferryFakeHid.replay(0, options), {
        count,
        intervalMs,
      }),
    outputs: () => page.evaluate(() => (window as unknown as Controlled).__ferryFakeHid.outputs(0)),
    features: () => page.evaluate(() => (window as unknown as Controlled).__ferryFakeHid.features(0)),
    setFeature: (reportId, hex) =>
      page.evaluate(
        ([id, bytes]) => (window as unknown as Controlled).__ferryFakeHid.setFeature(0, id, bytes),
        [reportId, hex] as const,
      ),
    selectedCandidates: () => page.evaluate(selectedCandidatesInPage),
    closePage: () => page.close(),
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

type Recorded = Window & { __ferryPeers: RTCPeerConnection[] };

/** Runs in the page before its scripts: keeps every RTCPeerConnection the app creates, for getStats(). */
function recordPeerConnections(): void {
  const peers: RTCPeerConnection[] = [];
  (window as unknown as Recorded).__ferryPeers = peers;
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      peers.push(this);
    }
  };
}

/** Runs in the page: the nominated, succeeded candidate pair of the newest connected peer. */
async function selectedCandidatesInPage(): Promise<{ local: string; remote: string } | undefined> {
  const peers = (window as unknown as Recorded).__ferryPeers.filter(
    (peer) => peer.connectionState === 'connected',
  );
  const stats = await peers.at(-1)?.getStats();
  if (!stats) return undefined;
  const reports = [...stats.values()] as Array<Record<string, string | boolean>>;
  const pair = reports.find((r) => r.type === 'candidate-pair' && r.state === 'succeeded' && r.nominated);
  const describe = (id: unknown) => {
    const candidate = reports.find((r) => r.id === id);
    return candidate ? `${candidate.candidateType} ${candidate.address}:${candidate.port}` : '?';
  };
  return pair && { local: describe(pair.localCandidateId), remote: describe(pair.remoteCandidateId) };
}
