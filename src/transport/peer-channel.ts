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
  encodeError,
  encodeHello,
  type Frame,
  FrameError,
  type HelloBody,
  PROTOCOL_VERSION,
} from '../protocol/index.ts';
import { createProof, type Role, verifyProof } from './auth.ts';
import type { LinkChannel, SignaledLink } from './link.ts';
import { type AuthMethod, PeerAuthError } from './peer-auth-error.ts';
import { agreeWithPeer, openLinkPipeline, PIPELINE_CAPABILITY } from './pipeline-handshake.ts';
import { TypedEmitter } from './signaling-client.ts';

/**
 * The secrets this end knows. The end that made the session holds both (it printed or showed the link and
 * the code); the end that joined holds the one it came by. The joiner speaks first and its hello names
 * the secret it proves (`auth.method`); the maker checks that proof with the same secret and answers
 * with a proof made from it. So a sharer who typed a waiting receiver's code meets a receiver that
 * answers with the code, not with the link the sharer never saw.
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

export interface ChannelEvents {
  ready: HelloBody;
  frame: Frame;
  closed: string;
  problem: Error;
  /** `seq` declared input reports lost. */
  loss: LossEvent;
  /**
   * An attempt with the short code failed: the peer's code proof did not verify, or we proved the code
   * and the link ended before the peer proved it back. The session reports it so the nameplate burns.
   */
  'code-failed': undefined;
}

/** After this many malformed frames from one peer, the link is closed: it is broken or hostile. */
const MAX_BAD_FRAMES = 20;

/** Messages held while the peer's hello is verified; a peer that floods before its hello loses the rest. */
const MAX_HELD = 256;

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

/**
 * One peer, after signaling: exchanges hellos (version, capabilities, pipeline, proof of the secret),
 * agrees on the pipeline, and then runs every frame through it both ways. Nothing from the peer is acted
 * on before its proof checks out and the pipelines agree.
 */
export class PeerChannel extends TypedEmitter<ChannelEvents> {
  remote: HelloBody | undefined;
  /** The running pipeline once the hellos agree. */
  pipeline: Pipeline | undefined;
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
  /** Messages that arrived while the peer's hello was being verified (WebCrypto is async). */
  private held: HeldMessage[] | undefined;
  /** We sent a proof of the code words (see 'code-failed'). */
  private sentCodeProof = false;
  /** The peer proved itself, or a failed code attempt was reported: there is nothing more to report. */
  private codeSettled = false;

  constructor(
    readonly peerId: string,
    readonly link: SignaledLink,
    private readonly options: ChannelOptions,
  ) {
    super();
    // The joiner speaks first; the maker answers once the joiner's proof checks out.
    if (options.speaksFirst) link.onOpen(() => void this.sendHello(ownMethod(options.auth)));
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

  /** The agreed pipeline in canonical form (undefined before the hellos agree). */
  get agreedPipeline(): string | undefined {
    return this.pipeline ? formatPipelineSpec(this.pipeline.spec) : undefined;
  }

  /** Sends a frame through the pipeline. Borrowed: `frame` may be reused once this returns. */
  send(frame: Uint8Array): void {
    if (!this.pipeline) {
      this.link.send(frame); // before the hellos agree: only hellos and refusals, as they are
      return;
    }
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

  private async sendHello(method: AuthMethod): Promise<void> {
    if (this.helloMethod) return;
    this.helloMethod = method;
    const { role, name, sessionId, auth, capabilities, pipeline } = this.options;
    const secret = auth[method] ?? '';
    const proof = await createProof(secret, sessionId, role, this.link.fingerprints());
    this.sentCodeProof ||= method === 'code';
    this.link.send(
      encodeHello({
        role,
        name,
        capabilities: [...capabilities, PIPELINE_CAPABILITY],
        pipeline,
        auth: { method, proof },
      }),
    );
  }

  private receive(message: Uint8Array, channel: LinkChannel): void {
    if (this.refused || this.ended) return;
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
    this.receiveBeforeHello(message);
  }

  private receiveBeforeHello(message: Uint8Array): void {
    const frame = this.decode(message);
    if (!frame) return;
    if (frame.type === 'hello') void this.verifyHello(frame.version, frame.body);
    else if (frame.type === 'error') this.refusedByPeer(frame.code, frame.message);
    else this.rejectFrame(new FrameError('bad-field', `expected hello first, got ${frame.type}`));
  }

  /** The peer turned this end away before the hellos agreed; an auth failure means our secret is wrong. */
  private refusedByPeer(code: number, message: string): void {
    const error =
      code === ErrorCode.AuthFailed && this.helloMethod
        ? new PeerAuthError('wrong-secret', this.helloMethod)
        : new Error(`peer error: ${message}`);
    this.refusal ??= error;
    this.emit('problem', error);
  }

  /** A frame out of the pipeline (borrowed) to the session. */
  private deliver(bytes: Uint8Array): void {
    const frame = this.decode(bytes);
    if (frame && !this.refused) this.emit('frame', frame);
  }

  private decode(bytes: Uint8Array): Frame | undefined {
    try {
      return decodeFrame(bytes);
    } catch (error) {
      this.rejectFrame(error instanceof FrameError ? error : new FrameError('bad-body', String(error)));
      return undefined;
    }
  }

  private async verifyHello(version: number, body: HelloBody): Promise<void> {
    this.held = [];
    try {
      await this.acceptHello(version, body);
    } catch (error) {
      this.refuse(ErrorCode.Internal, error instanceof Error ? error : new Error(String(error)));
    } finally {
      const held = this.held;
      this.held = undefined;
      if (this.remote) for (const { message, channel } of held) this.receive(message, channel);
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
    const method = body.auth.method;
    const secret = method === 'none' ? undefined : this.options.auth[method];
    const fingerprints = this.link.fingerprints();
    const valid =
      secret !== undefined &&
      (await verifyProof(secret, body.auth.proof, this.options.sessionId, body.role, fingerprints));
    // Both ends must key the pipeline from one secret: a peer that proved another than ours is refused.
    if (!valid || method === 'none' || (this.helloMethod && this.helloMethod !== method)) {
      if (method === 'code') this.codeFailed();
      return this.refuse(ErrorCode.AuthFailed, this.badProof(method === 'none' ? 'link' : method));
    }
    this.codeSettled = true;
    // The maker answers before judging the pipelines, so that both ends can name both specs.
    await this.sendHello(method);
    await this.startPipeline(body, secret);
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

  private async startPipeline(body: HelloBody, secret: string): Promise<void> {
    const { role, sessionId, codecFor } = this.options;
    try {
      const spec = agreeWithPeer(role, this.options.pipeline, body);
      this.pipeline = await openLinkPipeline({
        role,
        spec,
        secret,
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
    this.emit('ready', body);
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
    setTimeout(() => this.close(error.message), 50);
  }

  /** Counts a bad message against the peer, tells it why, and closes the link at the limit. */
  private rejectFrame(error: FrameError | PipelineError): void {
    this.badFrames += 1;
    this.emit('problem', error);
    this.sendError(ErrorCode.MalformedFrame, error.message);
    if (this.badFrames >= MAX_BAD_FRAMES) this.close(`too many malformed frames (${error.message})`);
  }

  /** Once per channel, and never after the peer proved itself. */
  private codeFailed(): void {
    if (this.codeSettled) return;
    this.codeSettled = true;
    this.emit('code-failed', undefined);
  }

  private end(reason: string, kind: ChannelEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.ending = this.refusal ? 'refused' : kind;
    if (this.sentCodeProof) this.codeFailed();
    this.pipeline?.close();
    this.emit('closed', this.refusal?.message ?? reason);
  }
}

function ownMethod(auth: ChannelAuth): AuthMethod {
  return auth.link !== undefined ? 'link' : 'code';
}
