import { hostname } from 'node:os';
import wrtc from '@roamhq/wrtc';
import WebSocket from 'ws';
import { announceInvite } from '../headless/index.ts';
import {
  buildShareLink,
  buildShortCode,
  type ChannelAuth,
  type CodeWords,
  createCodeWords,
  createShareSecret,
  describePath,
  IceServerFeed,
  type JoinTarget,
  type LinkPath,
  PERMISSION_LABELS,
  PERMISSION_SUMMARIES,
  PeerAuthError,
  parseJoinTarget,
  type ReceiverEnd,
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
  /** STUN/TURN servers from --ice, used after the ones the signaling server publishes (/config.json). */
  ice: RTCIceServer[];
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

/**
 * The exit codes of `ferry receive` (README "Running the headless receiver", docs/receiver.md):
 * 0 the share ended normally (the sharer stopped sharing, or Ctrl-C here); 1 pairing failed (the server
 * could not be reached, the session or code is unknown, the secret is wrong, the pipelines differ, no
 * sharer came in time, a sink could not be opened); 2 the command line is wrong (an unknown option, a
 * malformed link or code); 3 the connection was lost after pairing (ICE failed, the sharer vanished);
 * 4 the sharer turned this receiver away (denied it, or revoked its access: docs/security.md).
 */
export const EXIT_CODES = { ended: 0, failed: 1, usage: 2, lost: 3, dismissed: 4 } as const;

/** How a receive run ended: the process's exit code, and why. */
export interface ReceiveResult {
  exitCode: number;
  reason: string;
}

/** The one line that says how the run ended, by how the session ended. */
const END_LINES: Readonly<Record<ReceiverEnd, { exitCode: number; prefix: string }>> = {
  closed: { exitCode: EXIT_CODES.ended, prefix: 'ended' },
  failed: { exitCode: EXIT_CODES.failed, prefix: 'pairing failed' },
  lost: { exitCode: EXIT_CODES.lost, prefix: 'connection lost' },
  dismissed: { exitCode: EXIT_CODES.dismissed, prefix: 'ended' },
};

function formatRate(bytesPerSecond: number): string {
  return bytesPerSecond >= 1024 ? `${(bytesPerSecond / 1024).toFixed(1)} KiB/s` : `${bytesPerSecond} B/s`;
}

async function startSession(session: ReceiverSession, target: JoinTarget | undefined, origin: string) {
  if (target !== undefined) {
    if (target.kind === 'link') await session.join({ sessionId: target.sessionId });
    else await session.join({ nameplate: target.nameplate });
    return;
  }
  const { sessionId, nameplate } = await session.host();
  return { sessionId, nameplate, origin };
}

function authFor(target: JoinTarget | undefined, hostedSecret: string, hostedCode: string): ChannelAuth {
  if (target === undefined) return { link: hostedSecret, code: hostedCode };
  return target.kind === 'link' ? { link: target.secret } : { code: target.words.join('-') };
}

/** Why a signaling socket could not connect: the system's reason (ECONNREFUSED …) when there is one. */
function unreachableReason(error: Error): string {
  return error.cause instanceof Error ? error.cause.message : error.message;
}

/**
 * `ferry receive`: pairs with a sharer (joining its session, or creating one and printing the link),
 * then hands every shared device to the sink until the share ends or the user presses Ctrl-C. Prints one
 * line saying how it ended, and resolves with the exit code. A malformed `target` throws SessionLinkError
 * (the CLI checks it first, before opening sinks).
 */
export async function receive(options: ReceiveOptions, stop: AbortSignal): Promise<ReceiveResult> {
  const target = options.target === undefined ? undefined : parseJoinTarget(options.target);
  const server = options.signal ?? (target?.kind === 'link' ? options.target : undefined) ?? DEFAULT_SERVER;
  const { signalUrl, appOrigin } = endpointsFrom(server);
  const secret = createShareSecret();
  const words = createCodeWords();
  const signaling = new SignalingClient(WebSocket as unknown as WebSocketConstructor);
  const ice = new IceServerFeed(`${appOrigin}/config.json`, options.ice);
  const sink: Sink = options.sink ?? new LogSink({ json: options.json, write: options.out });
  const session = new ReceiverSession({
    // Only a receiver that can present generic USB devices asks for them; the sharer gives each to one.
    acceptUsb: sink.attachUsb !== undefined,
    signaling,
    links: simplePeerLinks(wrtc),
    iceServers: ice.current,
    name: options.name ?? hostname(),
    auth: authFor(target, secret, words.join('-')),
    pipeline: options.pipeline ?? '',
    admit: options.policy?.open === false ? admitWith(options.policy) : undefined,
  });

  return new Promise<ReceiveResult>((resolve) => {
    let settled = false;
    const devices = { count: 0 };
    let stats: ReturnType<typeof setInterval> | undefined;
    let pairTimer: ReturnType<typeof setTimeout> | undefined;
    const link: { path?: LinkPath } = {};
    const printStats = () => options.err(statsLine(session, devices.count, link.path));
    const readPath = () =>
      session.path().then((path) => {
        if (path) link.path = path;
      });
    const finish = (exitCode: number, line: string, reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(pairTimer);
      ice.close();
      if (stats !== undefined) {
        clearInterval(stats);
        printStats();
      }
      options.err(line);
      session.close(reason);
      void sink.close().then(() => resolve({ exitCode, reason }));
    };
    const ended = (kind: ReceiverEnd, reason: string) => {
      const { exitCode, prefix } = END_LINES[kind];
      finish(exitCode, `ferry: ${prefix}: ${reason}`, reason);
    };

    stop.addEventListener('abort', () => ended('closed', 'interrupted'));
    session.on('connected', ({ sharerName, pipeline, verification }) => {
      clearTimeout(pairTimer);
      stats = setInterval(() => void readPath().then(() => settled || printStats()), options.statsIntervalMs);
      options.err(`ferry: paired with ${sharerName}`);
      options.err(`ferry: verification: ${verification} (the sharer's page shows the same words)`);
      options.err(`ferry: pipeline ${pipeline || '(none)'}`);
      void readPath().then(() => settled || options.err(`ferry: ${describePath(link.path)}`));
      if (!sink.attachUsb) options.err(`ferry: note: ${hidOnlyNote(sink.name)}`);
      options.err('ferry: waiting for the sharer to approve…');
    });
    session.on('granted', ({ permission }) =>
      options.err(`ferry: granted ${PERMISSION_LABELS[permission]}: ${PERMISSION_SUMMARIES[permission]}`),
    );
    const notices = followSessionNotices(session, signaling, { ...options, hosting: target === undefined });
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
    // Before pairing, a problem ends in a failed pairing, whose one line says why; after, each is news.
    session.on('problem', (error) => {
      if (session.connected) options.err(`ferry: ${error.message}`);
      else if (target === undefined && error instanceof PeerAuthError && error.code === 'bad-proof')
        options.err(`ferry: turned away a sharer with a wrong ${error.method}`);
    });
    session.on('ended', ({ reason, kind }) => ended(kind, reason));

    // The ICE config never fails (none is a valid answer); the signaling server must be reached.
    Promise.all([signaling.connect(signalUrl), ice.start()]).then(
      () =>
        startSession(session, target, appOrigin)
          .then((hosted) => {
            if (hosted) announceLink(hosted, secret, words, options);
            else
              pairTimer = setTimeout(
                () => ended('failed', 'the sharer did not connect in time'),
                options.pairTimeoutMs,
              );
            if (!notices.nobodySharing) options.err('ferry: waiting for the sharer…');
          })
          .catch((error: Error) => ended('failed', error.message)),
      (error: Error) => {
        const reason = `cannot reach the signaling server at ${signalUrl}: ${unreachableReason(error)}`;
        finish(EXIT_CODES.failed, `ferry: ${reason}`, reason);
      },
    );
  });
}

/**
 * What the session and the server say about the sharer's presence and the code, on stderr. The result
 * says whether nobody is sharing right now (a notice said so; "waiting for the sharer…" would repeat it).
 */
function followSessionNotices(
  session: ReceiverSession,
  signaling: SignalingClient,
  options: Pick<ReceiveOptions, 'err' | 'pairTimeoutMs'> & { hosting: boolean },
): { readonly nobodySharing: boolean } {
  const state = { nobodySharing: false };
  session.on('no-sharer', ({ reason }) => {
    state.nobodySharing = true;
    // --pair-timeout bounds a join; a receiver that made the session waits as long as it runs.
    const limit = options.hosting
      ? ''
      : ` (up to ${Math.round(options.pairTimeoutMs / 1000)} s, --pair-timeout)`;
    options.err(`ferry: ${reason}; waiting for a sharer to join it${limit}`);
  });
  session.on('sharer-joined', (sharer) => {
    if (state.nobodySharing) options.err(`ferry: ${sharer.name} joined the session; connecting`);
    state.nobodySharing = false;
  });
  signaling.on('nameplate-burned', () =>
    options.err('ferry: someone tried the code with the wrong words, so it no longer works; use the link'),
  );
  return state;
}

function statsLine(session: ReceiverSession, devices: number, path: LinkPath | undefined): string {
  session.meter.tick();
  const { reportsPerSecond, bytesPerSecond, reports } = session.meter;
  const lost = session.lost > 0 ? `, ${session.lost} lost` : '';
  const dropped = session.droppedAtSender > 0 ? `, ${session.droppedAtSender} dropped at sender` : '';
  return `ferry: ${devices} device(s), ${reportsPerSecond} reports/s, ${formatRate(bytesPerSecond)}, ${reports} reports${lost}${dropped}, ${describePath(path)}`;
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
  const code = buildShortCode(hosted.nameplate, words);
  announceInvite({ link, code, how: 'open this link on the computer that has the device' }, options);
}
