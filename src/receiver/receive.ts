import { hostname } from 'node:os';
import WebSocket from 'ws';
import { announceInvite, nodeLinks } from '../headless/index.ts';
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
  SignalingClient,
  type WebSocketConstructor,
} from '../transport/index.ts';
import { DEFAULT_SERVER, endpointsFrom } from './endpoints.ts';
import { followLinkLife, type LinkLife } from './link-life.ts';
import { admitWith, type DevicePolicy, describeOffer } from './policy/index.ts';
import { LogSink } from './sinks/log-sink.ts';
import type { Sink } from './sinks/types.ts';

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
  /**
   * --grace (s → ms): how long a device whose link went down stays on this machine for a sharer to
   * bring it back; without --keep, also how long the run waits for one. Default 60 s.
   */
  graceMs?: number;
  /** --keep: stay up when the sharer leaves, even when it stops sharing (goodbye). */
  keep?: boolean;
  /** --fresh: after a resume, reports older than this are dropped, not replayed. Default 100 ms. */
  freshMs?: number;
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
 * malformed link or code); 3 the connection was lost after pairing and the session itself could not
 * be rejoined; 4 the sharer turned this receiver away (denied it, or revoked its access:
 * docs/security.md); 5 the link went down (ICE failed, the sharer vanished) and no sharer came back
 * within --grace (the kept devices were removed first).
 */
export const EXIT_CODES = { ended: 0, failed: 1, usage: 2, lost: 3, dismissed: 4, gone: 5 } as const;

/** The defaults of --grace and --fresh (docs/receiver.md, "When the link goes down"). */
export const KEEP_DEFAULTS = { graceSeconds: 60, freshMs: 100, requestTimeoutMs: 2000 } as const;

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
  // Reconnects (with backoff) and resumes the session if the server restarts: the link and the devices do
  // not need it, but a sharer coming back does (docs/signaling.md, "Resuming").
  const signaling = new SignalingClient(WebSocket as unknown as WebSocketConstructor, { reconnect: true });
  const ice = new IceServerFeed(`${appOrigin}/config.json`, options.ice);
  const sink: Sink = options.sink ?? new LogSink({ json: options.json, write: options.out });
  const session = new ReceiverSession({
    // Only a receiver that can present generic USB devices asks for them; the sharer gives each to one.
    acceptUsb: sink.attachUsb !== undefined,
    signaling,
    links: nodeLinks,
    iceServers: ice.current,
    name: options.name ?? hostname(),
    auth: authFor(target, secret, words.join('-')),
    pipeline: options.pipeline ?? '',
    admit: options.policy?.open === false ? admitWith(options.policy) : undefined,
    requestTimeoutMs: KEEP_DEFAULTS.requestTimeoutMs,
    // The devices outlive the link (link-life.ts): this run decides when a sharer that left ends it.
    whenSharerLeaves: 'wait',
  });

  return new Promise<ReceiveResult>((resolve) => {
    let settled = false;
    let stats: ReturnType<typeof setInterval> | undefined;
    let pairTimer: ReturnType<typeof setTimeout> | undefined;
    const link: { path?: LinkPath } = {};
    const printStats = () => options.err(statsLine(session, life, link.path));
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
      life.close('the run ended');
      options.err(line);
      session.close(reason);
      void sink.close().then(() => resolve({ exitCode, reason }));
    };
    const ended = (kind: ReceiverEnd, reason: string) => {
      const { exitCode, prefix } = END_LINES[kind];
      finish(exitCode, `ferry: ${prefix}: ${reason}`, reason);
    };
    const life = followLinkLife(
      session,
      sink,
      {
        keep: options.keep ?? false,
        graceMs: options.graceMs ?? KEEP_DEFAULTS.graceSeconds * 1000,
        freshMs: options.freshMs ?? KEEP_DEFAULTS.freshMs,
        requestTimeoutMs: KEEP_DEFAULTS.requestTimeoutMs,
        err: options.err,
      },
      {
        stopped: (reason) => ended('closed', reason),
        gone: (reason) => finish(EXIT_CODES.gone, `ferry: gone: ${reason}`, reason),
      },
    );

    stop.addEventListener('abort', () => ended('closed', 'interrupted'));
    session.on('connected', ({ sharerName, pipeline, verification }) => {
      clearTimeout(pairTimer);
      stats ??= setInterval(
        () => void readPath().then(() => settled || printStats()),
        options.statsIntervalMs,
      );
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
    const notices = followSessionNotices(session, signaling, {
      ...options,
      hosting: target === undefined,
      quiet: () => settled || life.outages.down,
    });
    session.on('refused', ({ offer, reason }) =>
      options.err(`ferry: refused ${describeOffer(offer)}: ${reason}`),
    );
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
  options: Pick<ReceiveOptions, 'err' | 'pairTimeoutMs'> & {
    hosting: boolean;
    /** True when the run has ended, or the link-down line already said that it waits. */
    quiet: () => boolean;
  },
): { readonly nobodySharing: boolean } {
  const state = { nobodySharing: false };
  session.on('no-sharer', ({ reason }) => {
    state.nobodySharing = true;
    if (options.quiet()) return;
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
  // The link does not need the server, but a sharer coming back does: say when it is out of reach.
  signaling.on('reconnecting', ({ attempt, reason }) => {
    if (attempt === 1)
      options.err(
        `ferry: the signaling server is out of reach (${reason}); retrying, the link keeps working`,
      );
  });
  signaling.on('resumed', () => options.err('ferry: back on the signaling server: the session is resumed'));
  return state;
}

function statsLine(session: ReceiverSession, life: LinkLife, path: LinkPath | undefined): string {
  session.meter.tick();
  const { reportsPerSecond, bytesPerSecond, reports } = session.meter;
  const lost = session.lost > 0 ? `, ${session.lost} lost` : '';
  const dropped = session.droppedAtSender > 0 ? `, ${session.droppedAtSender} dropped at sender` : '';
  const stale = life.keeper.staleDropped;
  const keep = `${life.outages.describe()}${stale > 0 ? `, ${stale} stale dropped` : ''}`;
  const where = life.outages.down ? 'path=none' : describePath(path);
  return `ferry: ${life.keeper.count} device(s), ${reportsPerSecond} reports/s, ${formatRate(bytesPerSecond)}, ${reports} reports${lost}${dropped}${keep}, ${where}`;
}

function hidOnlyNote(sinkName: string): string {
  return `the ${sinkName} sink presents HID devices only; shared generic USB devices are left for a receiver with --sink usbip, --sink usbredir or --sink log`;
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
