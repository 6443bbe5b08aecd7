import {
  formatPipelineSpec,
  type LossEvent,
  type Pipeline,
  type PipelineError,
  type PipelineErrorCode,
  PipelineMismatchError,
  type ReportCodec,
} from '../pipeline/index.ts';
import {
  decodeFrame,
  ErrorCode,
  encodeAuthConfirm,
  encodeError,
  encodeHeartbeat,
  encodeHello,
  type Frame,
  FrameError,
  HEARTBEAT_CAPABILITY,
  type HelloBody,
  PROTOCOL_VERSION,
} from '../protocol/index.ts';
import { createProof, type Role, verifyProof } from './auth.ts';
import { CodeHandshake, type CodeOutcome } from './code-handshake.ts';
import { PakeError } from './cpace.ts';
import { LinkHeartbeat } from './heartbeat.ts';
import type { LinkChannel, SignaledLink } from './link.ts';
import { type AuthMethod, PeerAuthError } from './peer-auth-error.ts';
import { agreeWithPeer, openLinkPipeline, PIPELINE_CAPABILITY } from './pipeline-handshake.ts';
import { TypedEmitter } from './signaling-client.ts';
import { verificationFromLinkSecret } from './verification.ts';

/**
 * The secrets this end knows. The end that made the session holds both (it printed or showed the link and
 * the code); the end that joined holds the one it came by. The joiner speaks first and its hello names
 * the secret it proves (`auth.method`); the maker checks that proof with the same secret and answers
 * with it: an HMAC proof for the link's secret, a CPace run for the code's words (code-handshake.ts).
 * So a sharer who typed a waiting receiver's code meets a receiver that answers with the code, not with
 * the link the sharer never saw.
 */
export interface ChannelAuth {
  link?: string | undefined;
  /** The two code words joined by '-', for peers who typed the short code. */
  code?: string | undefined;
}

/**
 * How a channel ended: `closed` cleanly (either end closed it), `lost` (the link failed under it: ICE,
 * DTLS or SCTP gave up), or `refused` (the hellos did not agree: secret, version or pipeline).
 */
export type ChannelEnd = 'closed' | 'lost' | 'refused';

export interface ChannelOptions {
  role: Role;
  name: string;
  sessionId: string;
  auth: ChannelAuth;
  /** True at the end that joined the session: it sends its hello when the link opens; the maker answers. */
  speaksFirst: boolean;
  capabilities: string[];
  /** This end's pipeline spec in canonical form; '' from a receiver means "whatever the sharer runs". */
  pipeline: string;
  /** Report codecs of the shared devices, for the coalesce and discard stages. */
  codecFor?: (device: number) => ReportCodec | undefined;
}

/** Which secret a failed authentication was about; a failed 'code' is one spent guess at the code. */
export interface AuthFailure {
  kind: AuthMethod;
  reason: string;
}

export interface ChannelEvents {
  ready: HelloBody;
  /**
   * The peer did not prove the secret (before 'closed'). Kind 'code' is one spent attempt at the short
   * code: the peer's tag did not check out, its share was unusable, or the link closed after our tag and
   * before the peer's. The sessions report it to the server, which burns the nameplate.
   */
  'auth-failed': AuthFailure;
  frame: Frame;
  closed: string;
  problem: Error;
  /** `seq` declared input reports lost. */
  loss: LossEvent;
  /**
   * After 'ready', with a peer that sends heartbeats: nothing came from it for about a second (`true`;
   * the link is not down, the network may be), or something came again (`false`). See heartbeat.ts.
   */
  stall: boolean;
}

/** After this many malformed frames from one peer, the link is closed: it is broken or hostile. */
const MAX_BAD_FRAMES = 20;

/** How long a refusal or dismissal has to leave before the link closes under it. */
const CLOSE_GRACE_MS = 50;

/** At most this long is spent waiting for the pipeline (crypto, compression) to let a dismissal out. */
const DISMISS_IDLE_CAP_MS = 1000;

/** Messages held while the peer's hello is verified; a peer that floods before its hello loses the rest. */
const MAX_HELD = 256;

/** One frame for every heartbeat: sending borrows it and nothing writes to it. */
const HEARTBEAT_FRAME = encodeHeartbeat();

/** Pipeline errors that mean the peer sent something bad (as opposed to a local failure). */
const PEER_FAULTS: ReadonlySet<PipelineErrorCode> = new Set([
  'malformed',
  'too-large',
  'unexpected-channel',
  'decompress-failed',
  'auth-failed',
  'replay',
]);

interface HeldMessage {
  message: Uint8Array;
  channel: LinkChannel;
}

/** What authentication gave a link: the secret `encrypt` is keyed from, and the words people compare. */
interface Authenticated {
  pipelineSecret: string;
  verification: string;
}

/**
 * One peer, after signaling: exchanges hellos (version, capabilities, pipeline, proof of the secret),
 * agrees on the pipeline, and then runs every frame through it both ways. Nothing from the peer is acted
 * on before its proof checks out and the pipelines agree.
 */
export class PeerChannel extends TypedEmitter<ChannelEvents> {
  remote: HelloBody | undefined;
  /** The running pipeline once the hellos agree. */
  pipeline: Pipeline | undefined;
  /**
   * The verification string: four words, the same at both ends of this link and different on any other
   * link, derived from what authenticated it (the CPace key for a code; the link secret and both DTLS
   * fingerprints for a link). Set once the peer is authenticated, before 'ready'.
   */
  verification: string | undefined;
  /** A code run waiting for the peer's share or key-confirmation tag. */
  private code: CodeHandshake | undefined;
  /** The peer's hello, once seen (a peer says hello once). */
  private peerHello: HelloBody | undefined;
  /**
   * Where this link's code attempt stands: 'pending' once our tag is sent (the peer could check its one
   * guess), 'settled' once it is confirmed or reported as failed. A link that ends while pending is a
   * failed attempt too, so a guesser cannot dodge the report by hanging up before confirming.
   */
  private codeAttempt: 'none' | 'pending' | 'settled' = 'none';
  private badFrames = 0;
  /** True while this end pushes a frame out: errors raised then are ours, not the peer's. */
  private sending = false;
  private ended = false;
  /** Set when this end refused the peer: whatever else arrives is ignored until the link closes. */
  private refused = false;
  /** Why either end refused the other, so the session can tell the user why it ended. */
  private refusal: Error | undefined;
  /** The secret this end's hello proved, once sent: an end sends one hello. */
  private helloMethod: AuthMethod | undefined;
  private ending: ChannelEnd | undefined;
  /** Messages that arrived while a handshake step was being checked (WebCrypto is async). */
  private held: HeldMessage[] | undefined;
  /** Once ready, with a peer that lists HEARTBEAT_CAPABILITY. */
  private heartbeat: LinkHeartbeat | undefined;

  constructor(
    readonly peerId: string,
    readonly link: SignaledLink,
    private readonly options: ChannelOptions,
  ) {
    super();
    // The joiner speaks first; the maker answers once the joiner's proof checks out.
    if (options.speaksFirst) link.onOpen(() => void this.sayHello(ownMethod(options.auth)));
    link.onMessage((message, channel) => this.receive(message, channel));
    link.onClose((reason, failed) => this.end(reason, failed ? 'lost' : 'closed'));
  }

  /** How the channel ended, once it has. */
  get endedAs(): ChannelEnd | undefined {
    return this.ending;
  }

  /** Why the hellos failed, when they did: a PeerAuthError, a PipelineMismatchError, a version error. */
  get refusalError(): Error | undefined {
    return this.refusal;
  }

  get ready(): boolean {
    return this.remote !== undefined;
  }

  /**
   * True when the frames this channel emits stay valid after the 'frame' event: the pipeline delivers
   * views of the link's messages and the link never reuses a message's buffer. Otherwise a listener that
   * keeps a frame's bytes copies them.
   */
  get framesOwned(): boolean {
    return this.pipeline?.inboundViews === true && this.link.freshMessages === true;
  }

  /** The agreed pipeline in canonical form (undefined before the hellos agree). */
  get agreedPipeline(): string | undefined {
    return this.pipeline ? formatPipelineSpec(this.pipeline.spec) : undefined;
  }

  /** True once ready with a peer that sends heartbeats: its silence is judged ('stall'). */
  get hearsHeartbeats(): boolean {
    return this.heartbeat !== undefined;
  }

  /** True while a peer that sends heartbeats has been silent for about a second (see 'stall'). */
  get stalled(): boolean {
    return this.heartbeat?.isStalled ?? false;
  }

  /** Sends a frame through the pipeline. Borrowed: `frame` may be reused once this returns. */
  send(frame: Uint8Array): void {
    if (!this.pipeline) {
      this.link.send(frame); // before the hellos agree: only hellos and refusals, as they are
      return;
    }
    this.heartbeat?.sent();
    this.sending = true;
    try {
      this.pipeline.outbound.push(frame);
    } finally {
      this.sending = false;
    }
  }

  /** Reports a problem to the peer without closing (one bad request must not end a session). */
  sendError(code: number, message: string, device = 0): void {
    this.send(encodeError(device, code, message));
  }

  /** A frame that decoded but has no business arriving at this end; it counts as a bad frame. */
  rejectUnexpected(description: string): void {
    this.rejectFrame(new FrameError('bad-field', description));
  }

  close(reason = 'closed'): void {
    this.pipeline?.flush(); // a bundle may still hold the last frames (a DEVICE_GONE, a reply)
    this.end(reason, 'closed');
    this.link.close();
  }

  /**
   * Ends the link from this end for a reason the peer must hear: from now on nothing from the peer is
   * acted on; an ERROR frame with `code` goes out (through the pipeline once it runs), and the link
   * closes as soon as it has left.
   */
  dismiss(code: number, reason: string): void {
    if (this.refused || this.ended) return;
    this.refused = true;
    this.refusal = new Error(reason);
    this.send(encodeError(0, code, reason));
    this.pipeline?.flush();
    void idleWithin(this.pipeline, DISMISS_IDLE_CAP_MS).then(() =>
      setTimeout(() => this.close(reason), CLOSE_GRACE_MS),
    );
  }

  /**
   * The joiner's opening hello: a link proof, or its CPace share. When two joiners meet, the other's hello
   * can arrive before this end's link reports open; it then answered already (sendHello sends one).
   */
  private async sayHello(method: AuthMethod): Promise<void> {
    if (method === 'code') this.sendHello((this.code ?? this.startCode()).hello);
    else this.sendHello(await this.linkProof());
  }

  private sendHello(auth: HelloBody['auth']): void {
    if (this.helloMethod || auth.method === 'none') return;
    this.helloMethod = auth.method;
    const { role, name, capabilities, pipeline } = this.options;
    this.link.send(
      encodeHello({
        role,
        name,
        capabilities: [...capabilities, PIPELINE_CAPABILITY, HEARTBEAT_CAPABILITY],
        pipeline,
        auth,
      }),
    );
  }

  private async linkProof(): Promise<HelloBody['auth']> {
    const { role, sessionId, auth } = this.options;
    const proof = await createProof(auth.link ?? '', sessionId, role, this.link.fingerprints());
    return { method: 'link', proof };
  }

  private startCode(): CodeHandshake {
    const { role, sessionId, auth } = this.options;
    const fingerprints = this.link.fingerprints();
    this.code = new CodeHandshake({ role, words: auth.code ?? '', sessionId, fingerprints });
    return this.code;
  }

  private receive(message: Uint8Array, channel: LinkChannel): void {
    if (this.refused || this.ended) return;
    this.heartbeat?.heard(); // any message, even one the pipeline later rejects, says the peer is there
    if (this.held) {
      if (this.held.length < MAX_HELD) this.held.push({ message: message.slice(), channel });
      return;
    }
    if (this.pipeline) {
      this.pipeline.inbound.push(message, channel);
      return;
    }
    // Unordered input reports can outrun the hello; before it they mean nothing and may be lost anyway.
    if (channel === 'unreliable') return;
    this.receiveBeforeReady(message);
  }

  /** The handshake: one hello, then (for a code) one AUTH_CONFIRM; anything else is a bad frame. */
  private receiveBeforeReady(message: Uint8Array): void {
    const frame = this.decode(message);
    if (!frame) return;
    if (frame.type === 'hello' && !this.peerHello) {
      this.peerHello = frame.body;
      void this.holdWhile(() => this.acceptHello(frame.version, frame.body));
    } else if (frame.type === 'auth-confirm' && this.code && this.peerHello) {
      const { code, peerHello } = this;
      const tag = frame.tag.slice();
      void this.holdWhile(() => this.confirmCode(code, peerHello, tag));
    } else if (frame.type === 'error') this.refusedByPeer(frame.code, frame.message);
    else this.rejectFrame(new FrameError('bad-field', `expected hello first, got ${frame.type}`));
  }

  /** The peer turned this end away before the hellos agreed; an auth failure means our secret is wrong. */
  private refusedByPeer(code: number, message: string): void {
    const error =
      code === ErrorCode.AuthFailed && this.helloMethod
        ? this.peerRefusedOurSecret(this.helloMethod)
        : new Error(`peer error: ${message}`);
    this.refusal ??= error;
    this.emit('problem', error);
  }

  /**
   * A code's tags are checked at both ends, so a maker refused over a code met a joiner with other words:
   * that is the joiner's wrong code, not the maker's. A link proof refused means ours is wrong.
   */
  private peerRefusedOurSecret(method: AuthMethod): PeerAuthError {
    if (method === 'code' && !this.options.speaksFirst) return new PeerAuthError('bad-proof', 'code');
    return new PeerAuthError('wrong-secret', method);
  }

  /** A frame out of the pipeline (borrowed) to the session. */
  private deliver(bytes: Uint8Array): void {
    const frame = this.decode(bytes);
    // A heartbeat has done its work on arrival (receive); the session never sees one.
    if (frame && !this.refused && frame.type !== 'heartbeat') this.emit('frame', frame);
  }

  private decode(bytes: Uint8Array): Frame | undefined {
    try {
      return decodeFrame(bytes);
    } catch (error) {
      this.rejectFrame(error instanceof FrameError ? error : new FrameError('bad-body', String(error)));
      return undefined;
    }
  }

  /** Runs an async step of the handshake; messages that arrive meanwhile wait, then go through in order. */
  private async holdWhile(step: () => Promise<void>): Promise<void> {
    this.held = [];
    try {
      await step();
    } catch (error) {
      this.refuse(ErrorCode.Internal, error instanceof Error ? error : new Error(String(error)));
    } finally {
      const held = this.held;
      this.held = undefined;
      for (const { message, channel } of held) this.receive(message, channel);
    }
  }

  private async acceptHello(version: number, body: HelloBody): Promise<void> {
    const expectedRole: Role = this.options.role === 'sharer' ? 'receiver' : 'sharer';
    if (version !== PROTOCOL_VERSION) {
      return this.refuse(
        ErrorCode.VersionMismatch,
        new Error(`protocol ${version} is not ${PROTOCOL_VERSION}; update Ferry`),
      );
    }
    if (body.role !== expectedRole)
      return this.refuse(ErrorCode.AuthFailed, new Error(`expected a ${expectedRole}`));
    const { auth } = body;
    // Both ends must key the pipeline from one secret: a peer that proved another than ours is refused.
    if (auth.method === 'none' || (this.helloMethod && this.helloMethod !== auth.method)) {
      return this.authFailed(this.badProof(auth.method === 'none' ? 'link' : auth.method));
    }
    if (auth.method === 'link') return this.acceptLinkProof(body, auth.proof);
    return this.acceptCodeShare(auth.share);
  }

  private async acceptLinkProof(body: HelloBody, proof: string): Promise<void> {
    const { role, sessionId, auth } = this.options;
    const fingerprints = this.link.fingerprints();
    const secret = auth.link;
    const valid =
      secret !== undefined && (await verifyProof(secret, proof, sessionId, body.role, fingerprints));
    if (!valid || secret === undefined) return this.authFailed(this.badProof('link'));
    this.verification = verificationFromLinkSecret(secret, sessionId, role, fingerprints);
    // The maker answers before judging the pipelines, so that both ends can name both specs.
    if (!this.helloMethod) this.sendHello(await this.linkProof()); // the maker's answer (sent once)
    await this.startPipeline(body, { pipelineSecret: secret, verification: this.verification });
  }

  /** The peer's CPace share: answer with ours (the maker) and our tag; the peer's tag comes next. */
  private async acceptCodeShare(share: string): Promise<void> {
    if (this.options.auth.code === undefined) return this.authFailed(this.badProof('code'));
    // A joiner opened with its run; the maker (or a joiner that has not spoken yet) starts one now.
    const code = this.code ?? this.startCode();
    let tag: Uint8Array;
    try {
      tag = code.receiveShare(share);
    } catch (error) {
      if (error instanceof PakeError) return this.authFailed(this.brokenExchange(error));
      throw error;
    }
    this.sendHello(code.hello); // once: a no-op at a joiner that opened with it
    this.link.send(encodeAuthConfirm(tag));
    if (this.codeAttempt === 'none') this.codeAttempt = 'pending';
  }

  private async confirmCode(code: CodeHandshake, hello: HelloBody, tag: Uint8Array): Promise<void> {
    let outcome: CodeOutcome;
    try {
      outcome = code.confirm(tag);
    } catch (error) {
      if (!(error instanceof PakeError)) throw error;
      // Different words at the two ends: the joiner typed a wrong code; the maker turns it away.
      const mismatch = this.options.speaksFirst
        ? new PeerAuthError('wrong-secret', 'code')
        : new PeerAuthError('bad-proof', 'code');
      return this.authFailed(mismatch);
    }
    this.code = undefined; // one confirmation per run: a second AUTH_CONFIRM is a bad frame
    this.codeAttempt = 'settled';
    this.verification = outcome.verification;
    await this.startPipeline(hello, outcome);
  }

  /** The joiner that meets a bad proof may be talking to an impostor; the maker met a wrong secret. */
  private badProof(method: AuthMethod): PeerAuthError {
    if (!this.options.speaksFirst) return new PeerAuthError('bad-proof', method);
    return new PeerAuthError(
      'bad-proof',
      method,
      `the other side could not prove it holds this ${method}'s secret; is someone in the middle?`,
    );
  }

  /** A share that is no usable group element: a broken or hostile peer, never a typo. */
  private brokenExchange(error: PakeError): PeerAuthError {
    const who = this.options.speaksFirst ? 'the other side' : 'a peer';
    return new PeerAuthError('bad-proof', 'code', `${who} sent a broken code exchange (${error.message})`);
  }

  private async startPipeline(body: HelloBody, authenticated: Authenticated): Promise<void> {
    const { role, sessionId, codecFor } = this.options;
    try {
      const spec = agreeWithPeer(role, this.options.pipeline, body);
      this.pipeline = await openLinkPipeline({
        role,
        spec,
        secret: authenticated.pipelineSecret,
        sessionId,
        fingerprints: this.link.fingerprints(),
        codecFor,
        send: (message, channel) => this.link.send(message, channel),
        deliver: (frame) => this.deliver(frame),
        fail: (error) => this.pipelineFailed(error),
        lose: (event) => this.emit('loss', event),
        backlog: (channel) => this.link.buffered?.(channel) ?? 0,
      });
    } catch (error) {
      const code = error instanceof PipelineMismatchError ? ErrorCode.PipelineMismatch : ErrorCode.Internal;
      return this.refuse(code, error instanceof Error ? error : new Error(String(error)));
    }
    this.remote = body;
    if (body.capabilities.includes(HEARTBEAT_CAPABILITY) && !this.ended) {
      this.heartbeat = new LinkHeartbeat({
        beat: () => this.send(HEARTBEAT_FRAME),
        stall: (stalled) => this.emit('stall', stalled),
      });
    }
    this.emit('ready', body);
  }

  /** The peer did not prove the secret: say so on the event a code's guard listens to, and refuse. */
  private authFailed(error: PeerAuthError): void {
    this.reportAuthFailure(error.method, error.message);
    this.refuse(ErrorCode.AuthFailed, error);
  }

  /** At most one 'auth-failed' per link for a code, and none once the code is confirmed. */
  private reportAuthFailure(kind: AuthMethod, reason: string): void {
    if (kind === 'code') {
      if (this.codeAttempt === 'settled') return;
      this.codeAttempt = 'settled';
    }
    this.emit('auth-failed', { kind, reason });
  }

  private pipelineFailed(error: PipelineError): void {
    if (!this.sending && PEER_FAULTS.has(error.code)) this.rejectFrame(error);
    else this.emit('problem', error);
  }

  private refuse(code: number, error: Error): void {
    this.refused = true;
    this.refusal ??= error;
    // The peer words its own message for an auth failure (it knows which secret it proved).
    const wire =
      error instanceof PeerAuthError
        ? 'the share secret did not match; check the link or code'
        : error.message;
    this.link.send(encodeError(0, code, wire));
    this.emit('problem', error);
    setTimeout(() => this.close(error.message), CLOSE_GRACE_MS);
  }

  /** Counts a bad message against the peer, tells it why, and closes the link at the limit. */
  private rejectFrame(error: FrameError | PipelineError): void {
    this.badFrames += 1;
    this.emit('problem', error);
    this.sendError(ErrorCode.MalformedFrame, error.message);
    if (this.badFrames >= MAX_BAD_FRAMES) this.close(`too many malformed frames (${error.message})`);
  }

  private end(reason: string, kind: ChannelEnd): void {
    if (this.ended) return;
    this.ended = true;
    if (this.codeAttempt === 'pending') {
      this.reportAuthFailure('code', 'the link closed before the code was confirmed');
    }
    this.ending = this.refusal ? 'refused' : kind;
    this.heartbeat?.close();
    this.pipeline?.close();
    this.emit('closed', this.refusal?.message ?? reason);
  }
}

/** Resolves once the pipeline has nothing in flight, or after `capMs` at most. */
function idleWithin(pipeline: Pipeline | undefined, capMs: number): Promise<void> {
  if (!pipeline) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, capMs);
    void pipeline.idle().then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function ownMethod(auth: ChannelAuth): AuthMethod {
  return auth.link !== undefined ? 'link' : 'code';
}
