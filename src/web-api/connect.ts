/**
 * `connect(linkOrCode)` and `connectUSB(linkOrCode)`: join a Ferry share as a receiver, the way the
 * receiver page does (src/ui/controllers), and resolve to a `navigator.hid`- or `navigator.usb`-shaped
 * object once the sharer approved this page.
 */
import {
  IceServerFeed,
  type JoinTarget,
  parseJoinTarget,
  ReceiverSession,
  SessionLinkError,
  SignalingClient,
  SignalingError,
  simplePeerLinks,
} from '../transport/index.ts';
import { domError } from './errors.ts';
import { FerryHID } from './hid.ts';
import { FerryUSB } from './usb.ts';

export interface ConnectOptions {
  /** What the sharer sees in its approval prompt. Default: this page's host (`location.host`). */
  name?: string;
  /**
   * The Ferry server to signal through. Default: a link's own origin; for a short code, the origin this
   * module was loaded from.
   */
  server?: string;
  /** Gives up waiting (for the server, a sharer, its approval): `connect` rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * How long a request to the real device may take before it rejects with TimeoutError; also how long a
   * request made while the link is down waits for it (HID and USB). Default 2000 ms.
   */
  requestTimeoutMs?: number;
  /**
   * How long a device whose link was lost (not a goodbye) stays, for the sharer to bring it back, before
   * it goes with `disconnect`. Default 60 000 ms, as the receiver page's.
   */
  graceMs?: number;
}

/**
 * The sharer announces its devices right after its GRANT; connect waits for the first of them, or this
 * long after the grant when none comes (a sharer with nothing shared yet), so that a requestDevice()
 * made at once sees them.
 */
const ANNOUNCE_SETTLE_MS = 1000;

/**
 * Rejects with a DOMException: SyntaxError (not a link or code), NetworkError (the server cannot be
 * reached, or dropped us), NotFoundError (no such session), NotAllowedError (the secret or code is wrong,
 * or the sharer denied this page), or the abort signal's reason.
 */
export function connect(linkOrCode: string, options: ConnectOptions = {}): Promise<FerryHID> {
  return joinShare(
    linkOrCode,
    options,
    { acceptUsb: false, firstDevice: 'device' },
    (s) => new FerryHID(s, options),
  );
}

/**
 * The same for generic USB devices: a `navigator.usb`-shaped object. This receiver tells the sharer it
 * takes USB devices, and the sharer gives each USB device to one such receiver (docs/webusb.md).
 */
export function connectUSB(linkOrCode: string, options: ConnectOptions = {}): Promise<FerryUSB> {
  return joinShare(
    linkOrCode,
    options,
    { acceptUsb: true, firstDevice: 'usb-device' },
    (s) => new FerryUSB(s, options),
  );
}

interface ShareKind {
  acceptUsb: boolean;
  /** The announcement connect waits for (see ANNOUNCE_SETTLE_MS). */
  firstDevice: 'device' | 'usb-device';
}

async function joinShare<T>(
  linkOrCode: string,
  options: ConnectOptions,
  kind: ShareKind,
  wrap: (session: ReceiverSession) => T,
): Promise<T> {
  const target = joinTargetOf(linkOrCode);
  const server = serverOf(target, String(linkOrCode).trim(), options.server);
  options.signal?.throwIfAborted();
  const signaling = new SignalingClient(WebSocket);
  const ice = new IceServerFeed(new URL('/config.json', server).href);
  let signalingClosed = false;
  signaling.on('close', () => {
    signalingClosed = true;
    ice.close();
  });
  try {
    await Promise.all([ice.start(), signaling.connect(signalingUrl(server))]);
  } catch (error) {
    signaling.close();
    throw domError('NetworkError', `Cannot reach the Ferry server at ${server}: ${messageOf(error)}.`);
  }
  const session = new ReceiverSession({
    signaling,
    links: simplePeerLinks(),
    iceServers: ice.current,
    name: options.name ?? location.host,
    auth: target.kind === 'code' ? { code: target.words.join('-') } : { link: target.secret },
    requestTimeoutMs: options.requestTimeoutMs,
    acceptUsb: kind.acceptUsb,
    // Like the receiver page: a sharer that reloads comes back into the same session.
    whenSharerLeaves: 'wait',
  });
  const wrapped = wrap(session);
  await admitted(session, target, kind.firstDevice, options.signal, () => signalingClosed);
  return wrapped;
}

function admitted(
  session: ReceiverSession,
  target: JoinTarget,
  firstDevice: ShareKind['firstDevice'],
  signal: AbortSignal | undefined,
  signalingClosed: () => boolean,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let settle: ReturnType<typeof setTimeout> | undefined;
    const stops: Array<() => void> = [];
    const finish = (error?: DOMException) => {
      clearTimeout(settle);
      for (const stop of stops) stop();
      if (!error) return resolve();
      session.close('the page gave up connecting');
      reject(error);
    };
    const abort = () => finish(abortReason(signal));
    signal?.addEventListener('abort', abort, { once: true });
    stops.push(() => signal?.removeEventListener('abort', abort));
    stops.push(session.on('granted', () => (settle ??= setTimeout(() => finish(), ANNOUNCE_SETTLE_MS))));
    stops.push(session.on(firstDevice, () => finish()));
    stops.push(
      session.on('ended', ({ reason, kind }) => {
        const name = kind !== 'dismissed' && signalingClosed() ? 'NetworkError' : 'NotAllowedError';
        finish(domError(name, `Ferry: ${reason}.`));
      }),
    );
    // Aborted while the server was being reached: the abort event has fired already.
    if (signal?.aborted) return abort();
    const by = target.kind === 'code' ? { nameplate: target.nameplate } : { sessionId: target.sessionId };
    session.join(by).catch((error: unknown) => finish(joinError(error)));
  });
}

function joinTargetOf(linkOrCode: string): JoinTarget {
  let target: JoinTarget;
  try {
    target = parseJoinTarget(String(linkOrCode));
  } catch (error) {
    if (error instanceof SessionLinkError) throw domError('SyntaxError', `Ferry: ${error.message}.`);
    throw error;
  }
  if (target.kind === 'link' && target.createdBy === 'receiver') {
    // A waiting receiver's /r/ link asks whoever opens it to share a device, not to receive one.
    throw domError(
      'SyntaxError',
      'Ferry: this is a link to share a device to a waiting receiver (/r/), not a share link (/s/).',
    );
  }
  return target;
}

/** A link names its server; a code is looked up on the server this module came from. */
function serverOf(target: JoinTarget, input: string, server: string | undefined): string {
  if (server !== undefined) return new URL(server).origin;
  if (target.kind === 'link') return new URL(input).origin;
  return new URL(import.meta.url).origin;
}

function signalingUrl(server: string): string {
  const url = new URL('/signal', server);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

function joinError(error: unknown): DOMException {
  if (!(error instanceof SignalingError)) return domError('NetworkError', `Ferry: ${messageOf(error)}.`);
  if (error.code === 'unknown-session') {
    return domError('NotFoundError', 'Ferry: this link or code names no share (it ended, or expired).');
  }
  const network = ['closed', 'timeout', 'not-connected', 'idle'].includes(error.code);
  return domError(network ? 'NetworkError' : 'NotAllowedError', `Ferry: ${error.message}.`);
}

function abortReason(signal: AbortSignal | undefined): DOMException {
  const reason: unknown = signal?.reason;
  return reason instanceof DOMException ? reason : domError('AbortError', 'The operation was aborted.');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
