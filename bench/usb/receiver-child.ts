/**
 * The receiver side of the usb part, as its own process: Ferry's real ReceiverSession (acceptUsb; one per
 * pipeline under test) drives the shared Gadget Zero through its RemoteUsbDevice — vendor control reads (0x5c) one at a time, bulk
 * loopback OUT + IN with several pairs in flight — and drives the bare data channel floor (echo.ts) with
 * the same byte counts. Driven over IPC by bench/usb.ts.
 */
import wrtc from '@roamhq/wrtc';
import WebSocket from 'ws';
import { GADGET_ZERO, GadgetZeroRequest } from '../../src/devices/usb/index.ts';
import {
  ReceiverSession,
  type RemoteUsbDevice,
  SignalingClient,
  simplePeerLinks,
  type WebSocketConstructor,
} from '../../src/transport/index.ts';
import { serve } from '../ipc.ts';
import { EchoDriver } from './echo.ts';
import { takeSendStats } from './send-stats.ts';
import { threadCpuUs } from './threads.ts';

/** Frame sizes from docs/webusb.md: USB_CONTROL header 16 B, USB_TRANSFER and USB_COMPLETION 12 B. */
export const CONTROL_REQUEST_BYTES = 16;
export const TRANSFER_HEADER_BYTES = 12;
export const COMPLETION_HEADER_BYTES = 12;

/** `ferry`: the default pipeline (bundle(1ms)); `ferry-no-bundle`: the empty pipeline; the floor. */
export type UsbPath = 'ferry' | 'ferry-no-bundle' | 'bare-datachannel';
type FerryPath = Exclude<UsbPath, 'bare-datachannel'>;

export interface BulkRun {
  path: UsbPath;
  transferBytes: number;
  inFlight: number;
  durationMs: number;
}
export interface BulkOutcome {
  /** Completed OUT + IN pairs (each moved transferBytes each way). */
  pairs: number;
  errors: number;
  wallMs: number;
  /** Time from issuing a pair to both completing, ms. */
  pairMs: number[];
}
export interface ControlRun {
  path: UsbPath;
  length: number;
  count: number;
}
export interface ControlOutcome {
  rttMs: number[];
  errors: number;
}

const remotes = new Map<FerryPath, RemoteUsbDevice>();
let echo: EchoDriver | undefined;
const sessions: ReceiverSession[] = [];
/** The bytes written with 0x5b (per device), which every 0x5c read must return. */
const ep0Data = new Map<RemoteUsbDevice, Uint8Array>();

async function join(path: FerryPath, signalUrl: string, sessionId: string, secret: string): Promise<string> {
  const signaling = new SignalingClient(WebSocket as unknown as WebSocketConstructor);
  await signaling.connect(signalUrl);
  const session = new ReceiverSession({
    signaling,
    links: simplePeerLinks(wrtc),
    iceServers: [],
    name: 'bench-usb-receiver',
    auth: { link: secret },
    acceptUsb: true,
  });
  sessions.push(session);
  session.on('problem', (error) => console.error(`usb receiver: ${error.message}`));
  const connected = new Promise<string>((done) => session.on('connected', (c) => done(c.pipeline)));
  const device = new Promise<RemoteUsbDevice>((done) => session.on('usb-device', done));
  await session.join({ sessionId });
  const timeout = new Promise<never>((_, fail) =>
    setTimeout(() => fail(new Error('no USB device announced in 20 s')), 20_000),
  );
  remotes.set(path, await Promise.race([device, timeout]));
  return Promise.race([connected, timeout]);
}

function ferryDevice(path: FerryPath): RemoteUsbDevice {
  const remote = remotes.get(path);
  if (!remote) throw new Error(`usb: ${path} not joined`);
  return remote;
}

function echoDriver(): EchoDriver {
  if (!echo) throw new Error('usb: no bare channel');
  return echo;
}

/** Gadget Zero's vendor requests answer in the source/sink configuration, bulk loopback in loopback. */
async function configure(device: RemoteUsbDevice, value: number): Promise<void> {
  if (device.activeConfiguration === value) return;
  const result = await device.selectConfiguration(value);
  if (result.status !== 'ok') throw new Error(`selectConfiguration(${value}): ${result.status}`);
}

const sameBytes = (a: Uint8Array, b: Buffer) =>
  a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), b) === 0;

async function control({ path, length, count }: ControlRun): Promise<ControlOutcome> {
  const rttMs: number[] = [];
  let errors = 0;
  if (path !== 'bare-datachannel') {
    const device = ferryDevice(path);
    await configure(device, GADGET_ZERO.sourceSinkConfiguration);
    let data = ep0Data.get(device);
    if (data?.length !== length) {
      data = Uint8Array.from({ length }, (_, i) => (i * 29 + 7) & 0xff);
      const setup = { requestType: 0x40, request: GadgetZeroRequest.writeBuffer, value: 0, index: 0 };
      const written = await device.controlTransfer({ ...setup, length }, data);
      if (written.status !== 'ok') throw new Error(`vendor write 0x5b: ${written.status}`);
      ep0Data.set(device, data);
    }
    const read = { requestType: 0xc0, request: GadgetZeroRequest.readBuffer, value: 0, index: 0, length };
    const expected = Buffer.from(data);
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      const result = await device.controlTransfer(read);
      rttMs.push(performance.now() - started);
      if (result.status !== 'ok' || !sameBytes(result.data, expected)) errors++;
    }
  } else {
    const driver = echoDriver();
    const request = new Uint8Array(CONTROL_REQUEST_BYTES);
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      const reply = await driver.request(request, COMPLETION_HEADER_BYTES + length);
      rttMs.push(performance.now() - started);
      if (reply.byteLength !== COMPLETION_HEADER_BYTES + length) errors++;
    }
  }
  return { rttMs, errors };
}

async function bulk({ path, transferBytes, inFlight, durationMs }: BulkRun): Promise<BulkOutcome> {
  const pairMs: number[] = [];
  let pairs = 0;
  let errors = 0;
  let pair: () => Promise<boolean>;
  if (path !== 'bare-datachannel') {
    const device = ferryDevice(path);
    await configure(device, GADGET_ZERO.loopbackConfiguration);
    // Every pair sends the same bytes, so any IN may take any OUT's data (the loopback is one FIFO).
    const chunk = Uint8Array.from({ length: transferBytes }, (_, i) => (i * 7 + 3) & 0xff);
    const expected = Buffer.from(chunk);
    pair = async () => {
      const [written, read] = await Promise.all([
        device.transferOut(GADGET_ZERO.bulkOut, chunk),
        device.transferIn(GADGET_ZERO.bulkIn, transferBytes),
      ]);
      return written.status === 'ok' && read.status === 'ok' && sameBytes(read.data, expected);
    };
  } else {
    const driver = echoDriver();
    const size = TRANSFER_HEADER_BYTES + transferBytes;
    pair = async () => (await driver.request(new Uint8Array(size), size)).byteLength === size;
  }
  const started = performance.now();
  const end = started + durationMs;
  const lane = async () => {
    while (performance.now() < end) {
      const at = performance.now();
      const ok = await pair();
      pairMs.push(performance.now() - at);
      if (ok) pairs++;
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return { pairs, errors, wallMs: performance.now() - started, pairMs };
}

serve({
  /** CPU time of this process so far (all threads, so @roamhq/wrtc's native ones count), µs. */
  cpu: () => {
    const { user, system } = process.cpuUsage();
    return user + system;
  },
  /** The same per thread name (µs): the main thread is JavaScript, the others @roamhq/wrtc's. */
  threads: () => threadCpuUs(),
  /** BENCH_USB_SEND_STATS=1: data channel sends and receipts per label since the last call. */
  sendStats: () => takeSendStats(),
  join: (args: { path: FerryPath; signalUrl: string; sessionId: string; secret: string }) =>
    join(args.path, args.signalUrl, args.sessionId, args.secret),
  async bareOffer() {
    echo = await EchoDriver.create();
    return echo.offer;
  },
  bareAccept: ({ answer }: { answer: string }) => echoDriver().accept(answer),
  control: (run: ControlRun) => control(run),
  bulk: (run: BulkRun) => bulk(run),
  /** The RemoteUsbDevice's own counts (completions per status, bytes each way). */
  counters: () =>
    Object.fromEntries(
      [...remotes].map(([path, remote]) => [
        path,
        {
          statuses: remote.counters.statuses(),
          bytesIn: remote.counters.bytesIn,
          bytesOut: remote.counters.bytesOut,
        },
      ]),
    ),
  close() {
    echo?.close();
    for (const session of sessions.splice(0)) session.close('bench over');
  },
});
