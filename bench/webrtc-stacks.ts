/**
 * The Node WebRTC stack Ferry uses (@roamhq/wrtc) against real Chromium, beside a plain WebSocket for
 * reference: echo round-trip time of 64-byte messages, and bulk throughput of 64 KiB messages (page → Node).
 * Loopback only; the page is served from 127.0.0.1 (bench/page-host.ts) because Chromium refuses a
 * WebSocket to 127.0.0.1 from about:blank — what made the first draft of this file wait forever.
 * Run: `npx tsx bench/webrtc-stacks.ts` (part of `npm run bench`).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import wrtc from '@roamhq/wrtc';
import type { Page } from 'playwright-core';
import { WebSocketServer } from 'ws';
import { launchChromium } from '../tests/support/browser.ts';
import { startPageHost } from './page-host.ts';
import { round, summarize } from './stats.ts';

export interface StackResult {
  stack: string;
  rtt_p50_ms: number;
  rtt_p99_ms: number;
  bulk_MBps: number;
}

interface Sizes {
  echoCount: number;
  bulkMs: number;
}

/** What each stack's page side leaves on `window` between evaluate calls. */
interface StackWindow {
  stackPc?: RTCPeerConnection;
  stackChannel?: RTCDataChannel | WebSocket;
}

/** The Node end: echoes 64-byte messages, counts the rest. */
class NodeEnd {
  received = 0;
  onMessage(data: ArrayBuffer | Buffer, echo: (data: ArrayBuffer | Buffer) => void): void {
    if (data.byteLength === 64) echo(data);
    else this.received += data.byteLength;
  }
}

/**
 * Page side, after `window.stackChannel` is open: echo probes, then bulk; every wait is bounded. (No named
 * function expressions inside evaluate callbacks: tsx would wrap them in a `__name` helper the page lacks.)
 */
async function echoAndBulk(page: Page, sizes: Sizes): Promise<{ rtts: number[]; sentMs: number }> {
  return page.evaluate(async ({ echoCount, bulkMs }) => {
    const channel = (window as unknown as StackWindow).stackChannel;
    if (!channel) throw new Error('no channel');
    const rtts: number[] = [];
    const probe = new Uint8Array(64);
    for (let i = 0; i < echoCount; i++) {
      const started = performance.now();
      const back = new Promise<void>((done) => {
        channel.onmessage = () => done();
      });
      channel.send(probe);
      await Promise.race([
        back,
        new Promise<never>((_, fail) => setTimeout(() => fail(new Error('echo: no answer in 2 s')), 2000)),
      ]);
      rtts.push(performance.now() - started);
    }
    const chunk = new Uint8Array(65536);
    const started = performance.now();
    while (performance.now() - started < bulkMs) {
      if (channel.bufferedAmount > 4 * 1024 * 1024) await new Promise((r) => setTimeout(r, 1));
      else channel.send(chunk);
    }
    const drainEnd = performance.now() + 10_000;
    while (channel.bufferedAmount > 0 && performance.now() < drainEnd)
      await new Promise((r) => setTimeout(r, 2));
    return { rtts, sentMs: performance.now() - started };
  }, sizes);
}

function result(stack: string, rtts: number[], bytes: number, ms: number): StackResult {
  const rtt = summarize(rtts.slice(Math.min(100, rtts.length / 10)));
  return {
    stack,
    rtt_p50_ms: round(rtt.p50),
    rtt_p99_ms: round(rtt.p99),
    bulk_MBps: round(bytes / (ms / 1000) / 1e6, 1),
  };
}

async function wrtcStack(page: Page, sizes: Sizes): Promise<StackResult> {
  const pc = new wrtc.RTCPeerConnection({ iceServers: [] });
  const end = new NodeEnd();
  pc.ondatachannel = ({ channel }) => {
    channel.binaryType = 'arraybuffer';
    channel.onmessage = ({ data }: MessageEvent<ArrayBuffer>) =>
      end.onMessage(data, (d) => channel.send(d as ArrayBuffer));
  };
  try {
    const offer = await page.evaluate(async () => {
      const pagePc = new RTCPeerConnection({ iceServers: [] });
      const channel = pagePc.createDataChannel('stack');
      channel.binaryType = 'arraybuffer';
      Object.assign(window, { stackPc: pagePc, stackChannel: channel });
      await pagePc.setLocalDescription(await pagePc.createOffer());
      await new Promise<void>((done) => {
        if (pagePc.iceGatheringState === 'complete') done();
        pagePc.onicegatheringstatechange = () => pagePc.iceGatheringState === 'complete' && done();
        setTimeout(done, 3000);
      });
      return pagePc.localDescription?.sdp ?? '';
    });
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    await pc.setLocalDescription(await pc.createAnswer());
    await new Promise<void>((done) => {
      if (pc.iceGatheringState === 'complete') done();
      pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && done();
      setTimeout(done, 3000);
    });
    await page.evaluate(async (answer) => {
      const w = window as unknown as StackWindow;
      await w.stackPc?.setRemoteDescription({ type: 'answer', sdp: answer });
      const channel = w.stackChannel as RTCDataChannel;
      await new Promise<void>((done, fail) => {
        if (channel.readyState === 'open') done();
        channel.onopen = () => done();
        setTimeout(() => fail(new Error('data channel did not open')), 10_000);
      });
    }, pc.localDescription?.sdp ?? '');
    const { rtts, sentMs } = await echoAndBulk(page, sizes);
    await new Promise((done) => setTimeout(done, 200));
    return result('@roamhq/wrtc 0.10 (data channel)', rtts, end.received, sentMs);
  } finally {
    pc.close();
  }
}

async function websocketStack(page: Page, sizes: Sizes): Promise<StackResult> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  const end = new NodeEnd();
  wss.on('connection', (socket) =>
    socket.on('message', (data: Buffer) => end.onMessage(data, (d) => socket.send(d))),
  );
  await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
  try {
    await page.evaluate(
      async (url) => {
        const socket = new WebSocket(url);
        socket.binaryType = 'arraybuffer';
        Object.assign(window, { stackChannel: socket });
        await new Promise<void>((done, fail) => {
          socket.onopen = () => done();
          socket.onerror = () => fail(new Error(`WebSocket to ${url} failed`));
          setTimeout(() => fail(new Error('WebSocket did not open')), 10_000);
        });
      },
      `ws://127.0.0.1:${(http.address() as AddressInfo).port}`,
    );
    const { rtts, sentMs } = await echoAndBulk(page, sizes);
    await new Promise((done) => setTimeout(done, 200));
    return result('WebSocket (ws 8), for reference', rtts, end.received, sentMs);
  } finally {
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((done) => wss.close(() => http.close(() => done())));
  }
}

export async function runWebrtcStackBench(
  sizes: Sizes = { echoCount: 2000, bulkMs: 2000 },
): Promise<StackResult[]> {
  const [browser, host] = await Promise.all([launchChromium(), startPageHost()]);
  try {
    const results: StackResult[] = [];
    for (const stack of [wrtcStack, websocketStack]) {
      const page = await host.open(browser);
      try {
        results.push(await stack(page, sizes));
      } finally {
        await page.close();
      }
    }
    return results;
  } finally {
    await browser.close();
    await host.close();
  }
}

if (process.argv[1]?.endsWith('webrtc-stacks.ts')) {
  console.table(await runWebrtcStackBench());
  process.exit(0); // @roamhq/wrtc's threads can outlive the last peer connection
}
