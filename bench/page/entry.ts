/**
 * The bench page: the fake `navigator.hid` (installed by an init script) feeds one of three senders —
 * bare data channel, WebSocket relay, or Ferry's real SharerSession — paced by a Worker (pacer-worker.ts).
 * Bundled by bench/page-host.ts; driven from Node through `window.ferryBench` (api.ts).
 */
import type { FakeHidControl } from '../../tests/support/fake-webhid/config.ts';
import {
  type BenchWindow,
  type FerryBenchApi,
  type PacedRun,
  type PageTransport,
  REPORT_TAG_OFFSET,
} from './api.ts';
import { hostFerry } from './ferry-sharer.ts';
import { paced } from './pacer.ts';
import { bareOffer, forwardRaw, opened } from './raw-sender.ts';

const fake = () => (window as unknown as { __ferryFakeHid: FakeHidControl }).__ferryFakeHid;

/** One report's bytes as the fake wants them (hex), per device: 64 bytes, and 4096 for throughput. */
const REPORT_HEX = ['a5'.repeat(64), '5a'.repeat(4096)];

/** The report with the window's tag in bytes 8–11 (u32 little-endian). */
function taggedHex(device: number, tag: number): string {
  const hex = REPORT_HEX[device] ?? REPORT_HEX[0]!;
  const tagHex = [0, 8, 16, 24].map((shift) => ((tag >>> shift) & 0xff).toString(16).padStart(2, '0'));
  const at = REPORT_TAG_OFFSET * 2;
  return `${hex.slice(0, at)}${tagHex.join('')}${hex.slice(at + 8)}`;
}

let pc: RTCPeerConnection | undefined;
let channel: RTCDataChannel | undefined;
let ready: Promise<string> = Promise.resolve('');
let dropped: () => number = () => 0;
const closers: Array<() => void> = [];

async function openDevices(): Promise<HIDDevice[]> {
  const devices = await navigator.hid.getDevices();
  for (const device of devices) if (!device.opened) await device.open();
  return devices;
}

async function connect(transport: PageTransport): Promise<string> {
  const devices = await openDevices();
  if (transport.kind === 'ferry') {
    const ferry = await hostFerry(devices, transport.signalUrl, transport.secret, transport.pipeline);
    ready = ferry.ready;
    dropped = ferry.dropped;
    closers.push(ferry.close);
    return ferry.sessionId;
  }
  if (transport.kind === 'relay') {
    const ws = new WebSocket(transport.url);
    ws.binaryType = 'arraybuffer';
    ready = opened(ws).then(() => '');
    closers.push(
      forwardRaw(devices, (message) => ws.send(message)),
      () => ws.close(),
    );
    return '';
  }
  const offer = await bareOffer();
  pc = offer.pc;
  channel = offer.channel;
  const open = offer.channel;
  ready = opened(open).then(() => '');
  closers.push(
    forwardRaw(devices, (message) => open.send(message)),
    () => offer.pc.close(),
  );
  return offer.sdp;
}

const api: FerryBenchApi = {
  connect,
  async accept(answer) {
    if (!pc || !channel) throw new Error('accept() before a bare connect()');
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    await opened(channel);
  },
  ready: () => ready,
  run({ rateHz, durationMs, device, tag }: PacedRun) {
    const control = fake();
    const hex = taggedHex(device, tag);
    return paced('/pacer-worker.js', rateHz, durationMs, () => void control.emit(device, 0, hex));
  },
  droppedAtSender: () => dropped(),
  now: () => performance.timeOrigin + performance.now(),
  close() {
    for (const close of closers.splice(0)) close();
  },
};

(window as unknown as BenchWindow).ferryBench = api;
