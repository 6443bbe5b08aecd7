import { hostname } from 'node:os';
import type { HidSource } from '../devices/index.ts';
import { announceInvite, nodeLinks, nodeSignaling } from '../headless/index.ts';
import { DEFAULT_SERVER, endpointsFrom } from '../receiver/endpoints.ts';
import { EXIT_CODES } from '../receiver/receive.ts';
import {
  type Approval,
  buildShareLink,
  buildShortCode,
  type ChannelAuth,
  createCodeWords,
  createShareSecret,
  IceServerFeed,
  type JoinTarget,
  PERMISSION_LABELS,
  PeerAuthError,
  type PeerStatus,
  type Permission,
  parseJoinTarget,
  SharerSession,
  type SignalingClient,
} from '../transport/index.ts';
import { ApprovalPrompt } from './approval-prompt.ts';

/** A device that plays on its own once started, and may end (a replayed recording). */
export interface PlayedSource extends HidSource {
  start(): void;
  onEnd(listener: () => void): () => void;
}

/**
 * What one share shares: a replayed recording (`replayedDevices`), or real devices (`liveDevices`,
 * src/node-devices). The share adds them to its session, starts them with the first approved receiver
 * and ends when they have nothing more to give.
 */
export interface SharedDevices {
  addTo(session: SharerSession): void;
  /** The first receiver is approved: a recording starts playing (live devices are live already). */
  start(): void;
  /** Fires once, when there is nothing more to share, with why (`the recording has played to its end`). */
  onEnd(listener: (reason: string) => void): void;
  close(): Promise<void>;
}

/** A recording played as one HID device, from the first approval to its end. */
export function replayedDevices(source: PlayedSource): SharedDevices {
  return {
    addTo: (session) => void session.addDevice(source),
    start: () => source.start(),
    onEnd: (listener) => void source.onEnd(() => listener('the recording has played to its end')),
    close: () => source.close(),
  };
}

export interface ShareOptions {
  /** A waiting receiver's link or short code; undefined creates a session and prints its invitation. */
  target: string | undefined;
  signal: string | undefined;
  name: string | undefined;
  /** STUN/TURN servers from --ice, after the ones the signaling server publishes. */
  ice: RTCIceServer[];
  /** This sharer's pipeline spec (checked by the CLI); undefined: Ferry's default. */
  pipeline: string | undefined;
  /** `ask` (default): each receiver waits for a `y` on `answers`; `anyone` lets it in at once. */
  approval: Approval;
  /** What an approved receiver may do. */
  permission: Permission;
  /** Joining: give up if no receiver connects and proves the secret in time. */
  pairTimeoutMs: number;
  devices: SharedDevices;
  /** Said once the first receiver is in and the devices start (a recording: how much it plays). */
  playingLine: string | undefined;
  /** The person's answers to approval questions (stdin). */
  answers: NodeJS.ReadableStream;
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface ShareResult {
  exitCode: number;
  reason: string;
}

/** After the last report: queues empty, then this long for the network, before the goodbye overtakes it. */
const FINAL_GRACE_MS = 1000;
const DRAIN_POLL_MS = 50;
const DRAIN_LIMIT_MS = 10_000;
/** How long the goodbye may take to leave before the process ends anyway. */
const GOODBYE_LIMIT_MS = 2000;

function authFor(target: JoinTarget | undefined, secret: string, code: string): ChannelAuth {
  if (target === undefined) return { link: secret, code };
  return target.kind === 'link' ? { link: target.secret } : { code: target.words.join('-') };
}

function joinBy(target: JoinTarget): { sessionId: string } | { nameplate: string } {
  return target.kind === 'link' ? { sessionId: target.sessionId } : { nameplate: target.nameplate };
}

/** Why a signaling socket could not connect: the system's reason (ECONNREFUSED …) when there is one. */
function unreachableReason(error: Error): string {
  return error.cause instanceof Error ? error.cause.message : error.message;
}

/** Resolves once the signaling socket has closed (the goodbyes before it have left), or after a limit. */
function signalingClosed(signaling: SignalingClient): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(done, GOODBYE_LIMIT_MS);
    signaling.on('close', () => {
      clearTimeout(timer);
      done();
    });
  });
}

/** Resolves when `task` settles, or after GOODBYE_LIMIT_MS: a device that hangs on close cannot keep the run. */
function withinLimit(task: Promise<unknown>): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(done, GOODBYE_LIMIT_MS);
    const settle = () => {
      clearTimeout(timer);
      done();
    };
    task.then(settle, settle);
  });
}

/** Resolves once nothing is queued to any receiver (or after a limit), plus a grace for the network. */
async function drained(session: SharerSession): Promise<void> {
  const deadline = Date.now() + DRAIN_LIMIT_MS;
  while (session.queuedBytes() > 0 && Date.now() < deadline)
    await new Promise((done) => setTimeout(done, DRAIN_POLL_MS));
  await new Promise((done) => setTimeout(done, FINAL_GRACE_MS));
}

/**
 * One line when the signaling server goes out of reach and one when the session is resumed there, so a
 * person (or a script) knows when a receiver can join again; links already open do not need it.
 */
function sayServerOutages(signaling: ReturnType<typeof nodeSignaling>, err: (line: string) => void): void {
  let down = false;
  signaling.on('reconnecting', () => {
    if (down) return;
    down = true;
    err('ferry: the signaling server is out of reach; retrying (open links keep working)');
  });
  signaling.on('resumed', () => {
    down = false;
    err('ferry: back on the signaling server: the session is resumed');
  });
}

/**
 * `ferry share`: shares `devices` as the share page does (same frames, pipeline, authentication and
 * approval), joining a waiting receiver's session or creating one and printing its link, code and QR
 * code. The devices start when the first receiver is approved; when they end the share ends
 * (receivers get the goodbye). Resolves with the exit code once the goodbye has left.
 */
export async function share(options: ShareOptions, stop: AbortSignal): Promise<ShareResult> {
  const target = options.target === undefined ? undefined : parseJoinTarget(options.target);
  const server = options.signal ?? (target?.kind === 'link' ? options.target : undefined) ?? DEFAULT_SERVER;
  const { signalUrl, appOrigin } = endpointsFrom(server);
  const secret = createShareSecret();
  const words = createCodeWords();
  // A restart of the signaling server does not end the share: it resumes its session (docs/signaling.md).
  const signaling = nodeSignaling({ reconnect: true });
  const ice = new IceServerFeed(`${appOrigin}/config.json`, options.ice);
  const session = new SharerSession({
    signaling,
    links: nodeLinks,
    iceServers: ice.current,
    name: options.name ?? hostname(),
    auth: authFor(target, secret, words.join('-')),
    pipeline: options.pipeline,
    approval: options.approval,
    anyonePermission: options.permission,
  });
  options.devices.addTo(session);
  sayServerOutages(signaling, options.err);

  return new Promise<ShareResult>((resolve) => {
    let settled = false;
    // Joining, a receiver must be authenticated within --pair-timeout (one may be before the timer starts).
    const pairing: { timer?: ReturnType<typeof setTimeout>; authenticated: boolean } = {
      authenticated: false,
    };
    const prompt =
      options.approval === 'ask'
        ? new ApprovalPrompt({
            input: options.answers,
            err: options.err,
            approve: (peer) => session.grant(peer.peerId, options.permission),
            deny: (peer) => session.revoke(peer.peerId),
          })
        : undefined;
    /** Ends the share: one line `ferry: <message>` says how, then the goodbye leaves. */
    const finish = (exitCode: number, message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(pairing.timer);
      prompt?.close();
      ice.close();
      // Released before the process ends (a USB device's interfaces go back to their kernel drivers).
      const released = withinLimit(options.devices.close());
      options.err(`ferry: ${message}`);
      const gone = signalingClosed(signaling);
      session.close();
      void Promise.all([gone, released]).then(() => resolve({ exitCode, reason: message }));
    };

    stop.addEventListener('abort', () => finish(EXIT_CODES.ended, 'ended: interrupted'));
    options.devices.onEnd(
      (reason) => void drained(session).then(() => finish(EXIT_CODES.ended, `ended: ${reason}`)),
    );
    followReceivers(session, options, {
      hosting: target === undefined,
      ended: () => settled,
      authenticated: () => {
        pairing.authenticated = true;
        clearTimeout(pairing.timer);
      },
      ask: (peer) => prompt?.ask(peer),
      refused: (reason) => finish(EXIT_CODES.failed, `pairing failed: ${reason}`),
    });

    Promise.all([signaling.connect(signalUrl), ice.start()]).then(
      () => {
        const started =
          target === undefined
            ? host(session, appOrigin, secret, words, options)
            : join(session, target, options);
        started
          .then(() => {
            if (target !== undefined && !pairing.authenticated)
              pairing.timer = setTimeout(
                () => finish(EXIT_CODES.failed, 'pairing failed: no receiver connected in time'),
                options.pairTimeoutMs,
              );
          })
          .catch((error: Error) => finish(EXIT_CODES.failed, `pairing failed: ${error.message}`));
      },
      (error: Error) =>
        finish(
          EXIT_CODES.failed,
          `cannot reach the signaling server at ${signalUrl}: ${unreachableReason(error)}`,
        ),
    );
  });
}

async function host(
  session: SharerSession,
  origin: string,
  secret: string,
  words: readonly [string, string],
  options: ShareOptions,
): Promise<void> {
  const { sessionId, nameplate } = await session.host();
  const link = buildShareLink(origin, sessionId, secret);
  const code = buildShortCode(nameplate, words);
  announceInvite(
    { link, code, how: 'open this link where the device should appear (or run ferry receive with it)' },
    options,
  );
  options.err('ferry: waiting for a receiver…');
}

async function join(session: SharerSession, target: JoinTarget, options: ShareOptions): Promise<void> {
  const peers = await session.join(joinBy(target));
  const waiting = peers.filter((peer) => peer.role === 'receiver').map((peer) => peer.name);
  if (waiting.length > 0) options.err(`ferry: joined the session of ${waiting.join(', ')}; connecting`);
  else options.err('ferry: nobody is waiting in that session yet; waiting for a receiver…');
}

interface ReceiverHooks {
  hosting: boolean;
  /** The share is over: its own closing is no news. */
  ended(): boolean;
  /** A receiver proved the secret (it waits for approval, or is approved). */
  authenticated(): void;
  ask(peer: PeerStatus): void;
  /** The waiting receiver refused our secret: this share cannot go on. */
  refused(reason: string): void;
}

/** What happens to receivers, on stderr; the device starts playing with the first approved one. */
function followReceivers(session: SharerSession, options: ShareOptions, hooks: ReceiverHooks): void {
  let playing = false;
  const approved = new Map<string, string>();
  session.on('waiting', (peer) => {
    hooks.authenticated();
    hooks.ask(peer);
  });
  session.on('receiver', (peer) => {
    hooks.authenticated();
    approved.set(peer.peerId, peer.name);
    const label = PERMISSION_LABELS[peer.permission ?? options.permission];
    options.err(`ferry: sharing with ${peer.name} (${label}); check words: ${peer.verification ?? '?'}`);
    if (playing) return;
    playing = true;
    if (options.playingLine !== undefined) options.err(`ferry: ${options.playingLine}`);
    options.devices.start();
  });
  session.on('status', ({ peers }) => {
    if (hooks.ended()) return;
    for (const [peerId, name] of approved) {
      if (peers.some((peer) => peer.peerId === peerId)) continue;
      approved.delete(peerId);
      options.err(`ferry: ${name} left`);
    }
  });
  session.on('problem', ({ error }) => {
    if (error instanceof PeerAuthError && error.code === 'bad-proof') {
      options.err(`ferry: turned away a receiver with a wrong ${error.method}`);
      return;
    }
    if (!hooks.hosting && error instanceof PeerAuthError && error.code === 'wrong-secret') {
      hooks.refused(error.message);
      return;
    }
    options.err(`ferry: ${error.message}`);
  });
}
