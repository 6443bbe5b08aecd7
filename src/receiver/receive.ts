import { hostname } from 'node:os';
import wrtc from '@roamhq/wrtc';
import qrcode from 'qrcode-terminal';
import WebSocket from 'ws';
import {
  buildShareLink,
  buildShortCode,
  type ChannelAuth,
  type CodeWords,
  createCodeWords,
  createShareSecret,
  PERMISSION_LABELS,
  PERMISSION_SUMMARIES,
  parseJoinTarget,
  ReceiverSession,
  type RemoteDevice,
  type RemoteUsbDevice,
  SignalingClient,
  simplePeerLinks,
  type WebSocketConstructor,
} from '../transport/index.ts';
import { DEFAULT_SERVER, endpointsFrom } from './endpoints.ts';
import { asRemoteHidDevice } from './hid-device.ts';
import { admitWith, type DevicePolicy, describeOffer } from './policy/index.ts';
import { LogSink } from './sinks/log-sink.ts';
import type { Sink } from './sinks/types.ts';
import { usbProductName } from './sinks/usb-log.ts';

export interface ReceiveOptions {
  target: string | undefined;
  signal: string | undefined;
  name: string | undefined;
  json: boolean;
  ice: string[];
  statsIntervalMs: number;
  pairTimeoutMs: number;
  /** This end's pipeline spec (checked by the CLI); absent or '' takes the sharer's. */
  pipeline?: string | undefined;
  /** Where shared devices go (already prepared); default: the log sink on `out`. */
  sink?: Sink;
  /** Which offered devices to take (--allow / --deny); refused ones reach no sink. Default: all. */
  policy?: DevicePolicy;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** How a receive run ended: 0 when the share ended normally, 1 when pairing failed or the sharer turned it away. */
export interface ReceiveResult {
  exitCode: number;
  reason: string;
}

function formatRate(bytesPerSecond: number): string {
  return bytesPerSecond >= 1024 ? `${(bytesPerSecond / 1024).toFixed(1)} KiB/s` : `${bytesPerSecond} B/s`;
}

async function startSession(session: ReceiverSession, options: ReceiveOptions, origin: string) {
  if (options.target !== undefined) {
    const target = parseJoinTarget(options.target);
    if (target.kind === 'link') await session.join({ sessionId: target.sessionId });
    else await session.join({ nameplate: target.nameplate });
    return;
  }
  const { sessionId, nameplate } = await session.host();
  return { sessionId, nameplate, origin };
}

function authFor(target: string | undefined, hostedSecret: string, hostedCode: string): ChannelAuth {
  if (target === undefined) return { link: hostedSecret, code: hostedCode };
  const parsed = parseJoinTarget(target);
  return parsed.kind === 'link' ? { link: parsed.secret } : { code: parsed.words.join('-') };
}

/**
 * `ferry receive`: pairs with a sharer (joining its session, or creating one and printing the link),
 * then hands every shared device to the sink until the share ends or the user presses Ctrl-C.
 */
export async function receive(options: ReceiveOptions, stop: AbortSignal): Promise<ReceiveResult> {
  const server = options.signal ?? (options.target?.includes('://') ? options.target : DEFAULT_SERVER);
  const { signalUrl, appOrigin } = endpointsFrom(server);
  const secret = createShareSecret();
  const words = createCodeWords();
  const signaling = new SignalingClient(WebSocket as unknown as WebSocketConstructor);
  const sink: Sink = options.sink ?? new LogSink({ json: options.json, write: options.out });
  const session = new ReceiverSession({
    // Only a receiver that can present generic USB devices asks for them; the sharer gives each to one.
    acceptUsb: sink.attachUsb !== undefined,
    signaling,
    links: simplePeerLinks(wrtc),
    iceServers: options.ice.map((urls) => ({ urls })),
    name: options.name ?? hostname(),
    auth: authFor(options.target, secret, words.join('-')),
    pipeline: options.pipeline ?? '',
    admit: options.policy?.open === false ? admitWith(options.policy) : undefined,
  });

  return new Promise<ReceiveResult>((resolve) => {
    let settled = false;
    const devices = { count: 0 };
    const printStats = () => options.err(statsLine(session, devices.count));
    const finish = (exitCode: number, reason: string) => {
      if (settled) return;
      settled = true;
      clearInterval(stats);
      printStats();
      options.err(`ferry: ended: ${reason}`);
      clearTimeout(pairTimer);
      session.close(reason);
      void sink.close().then(() => resolve({ exitCode, reason }));
    };
    const stats = setInterval(printStats, options.statsIntervalMs);
    let pairTimer: ReturnType<typeof setTimeout> | undefined;

    stop.addEventListener('abort', () => finish(0, 'interrupted'));
    session.on('connected', ({ sharerName, pipeline, verification }) => {
      clearTimeout(pairTimer);
      options.err(`ferry: paired with ${sharerName}`);
      options.err(`ferry: verification: ${verification} (the sharer's page shows the same words)`);
      options.err(`ferry: pipeline ${pipeline || '(none)'}`);
      if (!sink.attachUsb) options.err(`ferry: note: ${hidOnlyNote(sink.name)}`);
      options.err('ferry: waiting for the sharer to approve…');
    });
    session.on('granted', ({ permission }) =>
      options.err(`ferry: granted ${PERMISSION_LABELS[permission]}: ${PERMISSION_SUMMARIES[permission]}`),
    );
    session.on('device', (device) => {
      countWhileOpen(devices, device);
      presentHid(sink, device, options.err);
    });
    session.on('refused', ({ offer, reason }) =>
      options.err(`ferry: refused ${describeOffer(offer)}: ${reason}`),
    );
    session.on('usb-device', (device) => {
      countWhileOpen(devices, device);
      presentUsb(sink, device, options.err);
    });
    session.on('problem', (error) => {
      options.err(`ferry: ${error.message}`);
      if (!session.connected) finish(1, error.message);
    });
    session.on('ended', ({ reason, dismissed }) =>
      finish(!dismissed && (session.connected || devices.count > 0) ? 0 : 1, reason),
    );

    signaling
      .connect(signalUrl)
      .then(() => startSession(session, options, appOrigin))
      .then((hosted) => {
        if (hosted) announceLink(hosted, secret, words, options);
        else
          pairTimer = setTimeout(
            () => finish(1, 'the sharer did not connect in time'),
            options.pairTimeoutMs,
          );
      })
      .catch((error: Error) => finish(1, error.message));
  });
}

function statsLine(session: ReceiverSession, devices: number): string {
  session.meter.tick();
  const { reportsPerSecond, bytesPerSecond, reports } = session.meter;
  const lost = session.lost > 0 ? `, ${session.lost} lost` : '';
  return `ferry: ${devices} device(s), ${reportsPerSecond} reports/s, ${formatRate(bytesPerSecond)}, ${reports} reports${lost}`;
}

function hidOnlyNote(sinkName: string): string {
  return `the ${sinkName} sink presents HID devices only; shared generic USB devices are left for a receiver with --sink usbip, --sink usbredir or --sink log`;
}

function countWhileOpen(
  devices: { count: number },
  device: { onClose(listener: () => void): unknown },
): void {
  devices.count += 1;
  device.onClose(() => {
    devices.count -= 1;
  });
}

function presentHid(sink: Sink, device: RemoteDevice, err: (line: string) => void): void {
  const presented = asRemoteHidDevice(device);
  sink
    .attach(presented)
    .then(() => {
      for (const line of sink.describe?.(presented) ?? []) err(`ferry: ${line}`);
    })
    .catch((error: Error) => err(`ferry: ${error.message}`));
}

function presentUsb(sink: Sink, device: RemoteUsbDevice, err: (line: string) => void): void {
  sink
    .attachUsb?.(device)
    .then(() => {
      for (const line of sink.describe?.(device) ?? []) err(`ferry: ${line}`);
    })
    .catch((error: Error) => err(`ferry: ${usbProductName(device)}: ${error.message}`));
}

/** Receiver first: the link goes first on stdout (scripts read it), the code and a QR code on stderr. */
function announceLink(
  hosted: { sessionId: string; nameplate: string; origin: string },
  secret: string,
  words: CodeWords,
  options: Pick<ReceiveOptions, 'out' | 'err'>,
): void {
  const link = buildShareLink(hosted.origin, hosted.sessionId, secret, 'receiver');
  options.out(link);
  const code = buildShortCode(hosted.nameplate, words);
  options.err(`ferry: open this link on the computer that has the device, or type the code ${code}`);
  qrcode.generate(link, { small: true }, (qr) => options.err(qr));
}
