/**
 * One configuration under test, connected: a bench page (the sharer) and a receiver child process.
 * All four are set up first and then measured in turn at each rate, so their figures come from the
 * same minutes of the same machine.
 */
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { ChildHandle } from './ipc.ts';
import type { BenchWindow, PageTransport } from './page/api.ts';
import type { PageHost } from './page-host.ts';
import type { ConfigName } from './results.ts';

export const RECEIVER_CHILD = new URL('./receiver/child.ts', import.meta.url).pathname;

export interface Endpoint {
  config: ConfigName;
  page: Page;
  receiver: ChildHandle;
  /** The pipeline spec both Ferry ends agreed on ('' for the bare and relay configurations). */
  pipeline: string;
}

export interface Services {
  browser: Browser;
  host: PageHost;
  /** Ferry's signaling server, ws://…/signal. */
  signalUrl: string;
  relayUrl: string;
  /** Extra node flags for receiver children (e.g. --cpu-prof). */
  receiverArgv: string[];
}

/**
 * The spec that puts input reports on the unordered, unretransmitted channel (docs/pipeline.md), bundled
 * like the default: one message per report (8000/s at 8 kHz) backs up a loaded sender past the 64 KiB at
 * which the unreliable channel drops rather than queues.
 */
export const UNRELIABLE_PIPELINE = 'seq,bundle(1ms)';
/** BENCH_UNRELIABLE_PIPELINE=<spec> runs the `ferry-unreliable` rows (latency and impaired parts) with another spec (an experiment). */
export const unreliablePipeline = () => process.env.BENCH_UNRELIABLE_PIPELINE || UNRELIABLE_PIPELINE;

/** A page call that does not answer within `ms` fails, naming itself: a bench never hangs. */
export function bounded<T>(what: string, call: Promise<T>, ms = 30_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what}: no answer from the page within ${ms} ms`)), ms);
  });
  return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
}

const api = (page: Page) => ({
  connect: (transport: PageTransport) =>
    bounded(
      `connect ${transport.kind}`,
      page.evaluate((t) => (window as unknown as BenchWindow).ferryBench.connect(t), transport),
    ),
  accept: (answer: string) =>
    bounded(
      'accept',
      page.evaluate((a) => (window as unknown as BenchWindow).ferryBench.accept(a), answer),
    ),
  ready: () =>
    bounded(
      'ready',
      page.evaluate(() => (window as unknown as BenchWindow).ferryBench.ready()),
    ),
});

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

export async function connectEndpoint(config: ConfigName, services: Services): Promise<Endpoint> {
  const page = await services.host.open(services.browser);
  const receiver = ChildHandle.start(RECEIVER_CHILD, services.receiverArgv);
  const page$ = api(page);
  let pipeline = '';
  if (config === 'bare-datachannel') {
    const offer = await page$.connect({ kind: 'bare' });
    await page$.accept(await receiver.request<string>('bare', { offer }));
  } else if (config === 'websocket-relay') {
    await receiver.request('relay', { url: `${services.relayUrl}/receiver` });
    await page$.connect({ kind: 'relay', url: `${services.relayUrl}/sharer` });
    await page$.ready();
  } else {
    const secret = randomBytes(16).toString('base64url');
    const transport: PageTransport = { kind: 'ferry', signalUrl: services.signalUrl, secret };
    if (config === 'ferry-unreliable') transport.pipeline = unreliablePipeline();
    const sessionId = await page$.connect(transport);
    await receiver.request('ferry', { signalUrl: services.signalUrl, sessionId, secret });
    pipeline = await page$.ready();
    if (config === 'ferry-unreliable' && !/\bseq\b/.test(pipeline)) {
      throw new Error(`the sessions agreed on '${pipeline}', not a pipeline with seq`);
    }
    await waitFor('the device announcements', async () => (await receiver.request<number>('devices')) >= 2);
  }
  return { config, page, receiver, pipeline };
}

export async function closeEndpoint(endpoint: Endpoint): Promise<void> {
  await endpoint.receiver.request('close').catch(() => undefined);
  await endpoint.receiver.stop();
  await endpoint.page.close();
}
