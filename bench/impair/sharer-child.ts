/**
 * The sharer side of the impaired part, in the sharer's network namespace: one sender per configuration
 * — a bare @roamhq/wrtc data channel, a WebSocket to the relay, Ferry's real SharerSession (one per
 * pipeline) with the impaired mouse as a SimulatedHidDevice behind a real WebHidSource — and a pacer
 * that emits a window of reports to one of them. Driven over IPC by bench/impaired.ts.
 */
import wrtc from '@roamhq/wrtc';
import WebSocket from 'ws';
import { SimulatedHidDevice, WebHidSource } from '../../src/devices/index.ts';
import {
  SharerSession,
  SignalingClient,
  simplePeerLinks,
  type WebSocketConstructor,
} from '../../src/transport/index.ts';
import { serve } from '../ipc.ts';
import { gatheredSdp } from '../usb/echo.ts';
import { fillReport, MOUSE_REPORT_BYTES, mouseCollections, STAMP_OFFSET } from './mouse.ts';

/** Hands one report (64 bytes, borrowed) to a configuration's path. */
type Send = (report: Uint8Array) => void;

const senders = new Map<string, Send>();
const closers: Array<() => unknown> = [];
const pendingBare = new Map<string, { pc: RTCPeerConnection; channel: RTCDataChannel }>();
const now = () => performance.timeOrigin + performance.now();

/** The floor and the relay carry the bare report with the stamp in its first 8 bytes. */
function stamped(send: (bytes: Uint8Array<ArrayBuffer>) => void): Send {
  const out = new Uint8Array(MOUSE_REPORT_BYTES);
  const view = new DataView(out.buffer);
  return (report) => {
    out.set(report);
    view.setFloat64(STAMP_OFFSET, now(), true);
    send(out);
  };
}

async function bareOffer(config: string): Promise<string> {
  const pc = new wrtc.RTCPeerConnection({ iceServers: [] });
  const channel = pc.createDataChannel('bare');
  channel.binaryType = 'arraybuffer';
  await pc.setLocalDescription(await pc.createOffer());
  pendingBare.set(config, { pc, channel });
  closers.push(() => pc.close());
  return gatheredSdp(pc);
}

async function bareAccept(config: string, answer: string): Promise<void> {
  const bare = pendingBare.get(config);
  if (!bare) throw new Error(`no offer for ${config}`);
  await bare.pc.setRemoteDescription({ type: 'answer', sdp: answer });
  await new Promise<void>((done, fail) => {
    if (bare.channel.readyState === 'open') done();
    bare.channel.onopen = () => done();
    setTimeout(() => fail(new Error('bare channel did not open in 15 s')), 15_000);
  });
  senders.set(
    config,
    stamped((bytes) => bare.channel.send(bytes)),
  );
}

async function relay(config: string, url: string): Promise<void> {
  const socket = new WebSocket(url);
  await new Promise<void>((done, fail) => {
    socket.once('open', () => done());
    socket.once('error', fail);
  });
  closers.push(() => socket.close());
  senders.set(
    config,
    stamped((bytes) => socket.send(bytes)),
  );
}

/** A SharerSession with its own mouse; resolves with the session id, `ready` with the agreed pipeline. */
async function ferry(config: string, signalUrl: string, secret: string, pipeline?: string) {
  const signaling = new SignalingClient(WebSocket as unknown as WebSocketConstructor);
  await signaling.connect(signalUrl);
  const session = new SharerSession({
    signaling,
    links: simplePeerLinks(wrtc),
    iceServers: [],
    name: `bench-impaired-${config}`,
    auth: { link: secret },
    approval: 'anyone',
    ...(pipeline === undefined ? {} : { pipeline }),
  });
  closers.unshift(() => session.close());
  const agreed = new Promise<string>((done) => session.on('receiver', (peer) => done(peer.pipeline ?? '')));
  readyFor.set(config, agreed);
  const device = new SimulatedHidDevice({
    vendorId: 0x1209,
    productId: 0x0003,
    productName: 'Ferry impaired-bench mouse',
    collections: mouseCollections(),
  });
  await device.open();
  session.addDevice(await WebHidSource.open(device as unknown as HIDDevice, new EventTarget()));
  senders.set(config, (report) => device.emitInput(0, report));
  return (await session.host()).sessionId;
}
const readyFor = new Map<string, Promise<string>>();

export interface ImpairedRun {
  config: string;
  tag: number;
  /** Sequence number of the window's first report (then one per report). */
  firstSeq: number;
  count: number;
  rateHz: number;
}

/** Emits the window's reports on schedule: every millisecond, those that have come due. */
function run({
  config,
  tag,
  firstSeq,
  count,
  rateHz,
}: ImpairedRun): Promise<{ sent: number; wallMs: number }> {
  const send = senders.get(config);
  if (!send) throw new Error(`${config} is not connected`);
  const report = new Uint8Array(MOUSE_REPORT_BYTES);
  const started = performance.now();
  let next = 0;
  return new Promise((done) => {
    const tick = () => {
      const due = Math.min(count, Math.floor(((performance.now() - started) * rateHz) / 1000) + 1);
      for (; next < due; next++) {
        fillReport(report, tag, firstSeq + next, next, count);
        send(report);
      }
      if (next >= count) {
        clearInterval(timer);
        done({ sent: count, wallMs: performance.now() - started });
      }
    };
    const timer = setInterval(tick, 1);
    tick();
  });
}

serve({
  bareOffer: ({ config }: { config: string }) => bareOffer(config),
  bareAccept: ({ config, answer }: { config: string; answer: string }) => bareAccept(config, answer),
  relay: ({ config, url }: { config: string; url: string }) => relay(config, url),
  ferry: (args: { config: string; signalUrl: string; secret: string; pipeline?: string }) =>
    ferry(args.config, args.signalUrl, args.secret, args.pipeline),
  ready: ({ config }: { config: string }) => readyFor.get(config) ?? Promise.reject(new Error(config)),
  run: (args: ImpairedRun) => run(args),
  async close() {
    for (const close of closers.splice(0)) await close();
  },
});
