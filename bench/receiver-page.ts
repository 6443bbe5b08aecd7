/**
 * The receiver page's main-thread cost at a high input rate: a Node sharer streams a simulated
 * SpaceNavigator (axes on reports 1 and 2, a button on report 3) at `rateHz` to the real app's receiver
 * page in headless Chromium, which draws its plots (src/ui/input-plots). Over each window the page's
 * main-thread task time (CDP Performance.getMetrics TaskDuration) is divided by the frames it produced
 * (a requestAnimationFrame counter), once with the plots on the page and once with them taken out, and the
 * plots' own draw time per frame is read from the element's drawStats.
 */
import type { CDPSession, Page } from 'playwright-core';
import { createFerryServer } from '../signaling/index.ts';
import { SimulatedHidDevice, spaceNavigatorDescriptor, WebHidSource } from '../src/devices/index.ts';
import { collectionsFromDescriptor } from '../src/hid/index.ts';
import type { CollectionBody } from '../src/protocol/index.ts';
import { buildShareLink, createShareSecret, SharerSession } from '../src/transport/index.ts';
import { launchChromium } from '../tests/support/browser.ts';
import { connectSignaling, nodeLinks } from '../tests/support/node-peers.ts';
import { topFunctions } from './profile-top.ts';

export interface ReceiverPageRow {
  phase: 'plots' | 'no plots';
  rateHz: number;
  seconds: number;
  /** Input reports the page received per second in the window. */
  receivedPerSecond: number;
  framesPerSecond: number;
  /** Main-thread task time per frame (everything: WebRTC messages, decoding, Lit, plots, layout). */
  mainMsPerFrame: number;
  /** The JavaScript part of it, and layout + style recalculation; the rest is mostly paint and raster. */
  scriptMsPerFrame: number;
  layoutAndStyleMsPerFrame: number;
  /** The plots' draw() alone, per drawn frame, and its worst frame. */
  drawMsPerFrame: number | undefined;
  drawMaxMs: number | undefined;
  /** Tasks over 50 ms (PerformanceObserver longtask) in the window. */
  longTasks: number;
}

interface PageCounters {
  frames: number;
  longTasks: number;
  reports: number;
  draw: { frames: number; totalMs: number; maxMs: number } | undefined;
}

export async function runReceiverPage(options: {
  rateHz: number;
  seconds: number;
}): Promise<ReceiverPageRow[]> {
  const server = await createFerryServer({ port: 0, staticDir: 'dist' });
  const browser = await launchChromium();
  const device = demoLikeDevice();
  await device.open();
  const secret = createShareSecret();
  const sharer = new SharerSession({
    signaling: await connectSignaling(server.url),
    links: nodeLinks,
    iceServers: [],
    name: 'bench',
    auth: { link: secret },
    approval: 'anyone',
  });
  sharer.addDevice(await WebHidSource.open(device as unknown as HIDDevice, new EventTarget()));
  const { sessionId } = await sharer.host();
  const stopStreaming = stream(device, options.rateHz);
  try {
    const page = await browser.newPage();
    page.on('pageerror', (error) => console.error(`page: ${error.message}`));
    await page.goto(buildShareLink(server.url, sessionId, secret));
    await page.locator('ferry-input-plots').waitFor({ timeout: 30_000 });
    await installCounters(page);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.waitForTimeout(1000); // past the first layout and the chart's creation
    const rows = [await measure(page, cdp, 'plots', options)];
    if (process.env.BENCH_PROFILE) console.error((await topFunctions(cdp, 4000)).join('\n'));
    await page.evaluate(`document.querySelector('ferry-app').shadowRoot.querySelector('ferry-receive-view')
      .shadowRoot.querySelector('ferry-remote-device').shadowRoot.querySelector('ferry-input-plots').remove()`);
    rows.push(await measure(page, cdp, 'no plots', options));
    return rows;
  } finally {
    stopStreaming();
    sharer.close();
    await browser.close();
    await server.close();
  }
}

function demoLikeDevice(): SimulatedHidDevice {
  return new SimulatedHidDevice({
    vendorId: 0x046d,
    productId: 0xc626,
    productName: 'SpaceNavigator (bench)',
    collections: collectionsFromDescriptor(spaceNavigatorDescriptor()) as unknown as CollectionBody[],
  });
}

/** Reports at `rateHz` on average: a 4 ms timer catches up with the clock (Node timers are coarse). */
function stream(device: SimulatedHidDevice, rateHz: number): () => void {
  const started = performance.now();
  const axes = new Uint8Array(6);
  const view = new DataView(axes.buffer);
  const buttons = new Uint8Array(2);
  let sent = 0;
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) * rateHz) / 1000);
    for (; sent < due; sent++) {
      if (sent % 250 === 0) {
        buttons[0] = (sent / 250) % 2;
        device.emitInput(3, buttons);
        continue;
      }
      const phase = sent / rateHz;
      for (let axis = 0; axis < 3; axis++)
        view.setInt16(axis * 2, Math.round(350 * Math.sin(phase * (axis + 1))), true);
      device.emitInput(sent % 2 === 0 ? 1 : 2, axes);
    }
  }, 4);
  return () => clearInterval(timer);
}

/**
 * Scripts run in the page as strings: tsx would wrap named functions of a serialised callback in a
 * `__name` helper the page does not have.
 */
const INSTALL_COUNTERS = `(() => {
  const counters = { frames: 0, longTasks: 0 };
  window.benchCounters = counters;
  const tick = () => { counters.frames += 1; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  new PerformanceObserver((list) => { counters.longTasks += list.getEntries().length; })
    .observe({ type: 'longtask', buffered: false });
})()`;

const READ_COUNTERS = `(() => {
  const findDeep = (tag, root) => {
    const found = root.querySelector(tag);
    if (found) return found;
    for (const element of root.querySelectorAll('*')) {
      const inner = element.shadowRoot ? findDeep(tag, element.shadowRoot) : undefined;
      if (inner) return inner;
    }
    return undefined;
  };
  const plots = findDeep('ferry-input-plots', document);
  const { frames, longTasks } = window.benchCounters;
  return { frames, longTasks, draw: plots ? { ...plots.drawStats } : undefined };
})()`;

async function installCounters(page: Page): Promise<void> {
  await page.evaluate(INSTALL_COUNTERS);
}

async function readCounters(page: Page): Promise<PageCounters> {
  // The input table's counts (the page's own numbers; toLocaleString may group digits).
  const counts = await page.locator('[data-testid^="input-count-"]').allTextContents();
  const reports = counts.reduce((sum, text) => sum + Number(text.replace(/\D/g, '')), 0);
  const inPage = (await page.evaluate(READ_COUNTERS)) as Omit<PageCounters, 'reports'>;
  return { ...inPage, reports };
}

const METRICS = ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration'] as const;
type Metric = (typeof METRICS)[number];

/** Chrome's cumulative main-thread seconds: all tasks, and the script, layout and style parts of them. */
async function mainThreadSeconds(cdp: CDPSession): Promise<Record<Metric, number>> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const value = (name: Metric) => metrics.find((metric) => metric.name === name)?.value ?? 0;
  return Object.fromEntries(METRICS.map((name) => [name, value(name)])) as Record<Metric, number>;
}

async function measure(
  page: Page,
  cdp: CDPSession,
  phase: ReceiverPageRow['phase'],
  options: { rateHz: number; seconds: number },
): Promise<ReceiverPageRow> {
  const before = await readCounters(page);
  const taskBefore = await mainThreadSeconds(cdp);
  const started = performance.now();
  await page.waitForTimeout(options.seconds * 1000);
  const taskAfter = await mainThreadSeconds(cdp);
  const after = await readCounters(page);
  const seconds = (performance.now() - started) / 1000;
  const frames = Math.max(1, after.frames - before.frames);
  const drawFrames = (after.draw?.frames ?? 0) - (before.draw?.frames ?? 0);
  const drawMs = (after.draw?.totalMs ?? 0) - (before.draw?.totalMs ?? 0);
  const round = (value: number, digits = 2) => Number(value.toFixed(digits));
  const perFrame = (metric: Metric) => round(((taskAfter[metric] - taskBefore[metric]) * 1000) / frames);
  return {
    phase,
    rateHz: options.rateHz,
    seconds: round(seconds, 1),
    receivedPerSecond: Math.round((after.reports - before.reports) / seconds),
    framesPerSecond: round(frames / seconds, 1),
    mainMsPerFrame: perFrame('TaskDuration'),
    scriptMsPerFrame: perFrame('ScriptDuration'),
    layoutAndStyleMsPerFrame: round(perFrame('LayoutDuration') + perFrame('RecalcStyleDuration')),
    drawMsPerFrame: after.draw && drawFrames > 0 ? round(drawMs / drawFrames) : undefined,
    drawMaxMs: after.draw ? round(after.draw.maxMs) : undefined,
    longTasks: after.longTasks - before.longTasks,
  };
}

/** `npx tsx bench/receiver-page.ts [rateHz] [seconds]` runs this part alone and prints its rows. */
if (import.meta.url === `file://${process.argv[1]}`) {
  const rateHz = Number(process.argv[2] ?? 1000);
  const seconds = Number(process.argv[3] ?? 10);
  console.table(await runReceiverPage({ rateHz, seconds }));
  process.exit(0);
}
