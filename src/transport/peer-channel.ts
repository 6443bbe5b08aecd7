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
import type { SignaledLink } from './link.ts';
import { TypedEmitter } from './signaling-client.ts';

/**
 * The secrets this end knows. The receiver speaks first and proves with the secret it came by (link or
 * code); the sharer checks it and answers with a proof made from that same secret.
 */
export interface ChannelAuth {
  link?: string | undefined;
  /** The two code words joined by '-', for peers who typed the short code. */
  code?: string | undefined;
}

export interface ChannelOptions {
  role: Role;
  name: string;
  sessionId: string;
  auth: ChannelAuth;
  capabilities: string[];
  pipeline: string;
}

export interface ChannelEvents {
  ready: HelloBody;
  frame: Frame;
  closed: string;
  problem: Error;
}

/** After this many malformed frames from one peer, the link is closed: it is broken or hostile. */
const MAX_BAD_FRAMES = 20;

/**
 * One peer, after signaling: exchanges hellos (version, capabilities, proof of the secret) and then
 * hands decoded frames up. Nothing from the peer is acted on before its proof checks out.
 */
export class PeerChannel extends TypedEmitter<ChannelEvents> {
  remote: HelloBody | undefined;
  private badFrames = 0;
  private ended = false;
  /** What the peer said when it refused us, so the session can tell the user why it ended. */
  private refusal: string | undefined;
  /** Messages that arrived while the peer's hello was being verified (WebCrypto is async). */
  private held: Uint8Array[] | undefined;

  constructor(
    readonly peerId: string,
    readonly link: SignaledLink,
    private readonly options: ChannelOptions,
  ) {
    super();
    // The receiver speaks first; the sharer answers once the receiver's proof checks out.
    if (options.role === 'receiver') link.onOpen(() => void this.sendHello(ownMethod(options.auth)));
    link.onMessage((message) => this.receive(message));
    link.onClose((reason) => this.end(reason));
  }

  get ready(): boolean {
    return this.remote !== undefined;
  }

  send(frame: Uint8Array): void {
    this.link.send(frame);
  }

  /** Reports a problem to the peer without closing (one bad request must not end a session). */
  sendError(code: number, message: string, device = 0): void {
    this.link.send(encodeError(device, code, message));
  }

  close(reason = 'closed'): void {
    this.end(reason);
    this.link.close();
  }

  private async sendHello(method: 'link' | 'code'): Promise<void> {
    const { role, name, sessionId, auth, capabilities, pipeline } = this.options;
    const secret = auth[method] ?? '';
    const proof = await createProof(secret, sessionId, role, this.link.fingerprints());
    this.link.send(encodeHello({ role, name, capabilities, pipeline, auth: { method, proof } }));
  }

  private receive(message: Uint8Array): void {
    if (this.held) {
      this.held.push(message);
      return;
    }
    let frame: Frame;
    try {
      frame = decodeFrame(message);
    } catch (error) {
      this.rejectFrame(error instanceof FrameError ? error : new FrameError('bad-body', String(error)));
      return;
    }
    if (this.remote) this.emit('frame', frame);
    else if (frame.type === 'hello') void this.verifyHello(frame.version, frame.body);
    else if (frame.type === 'error') {
      this.refusal = frame.message;
      this.emit('problem', new Error(`peer error: ${frame.message}`));
    } else this.rejectFrame(new FrameError('bad-field', `expected hello first, got ${frame.type}`));
  }

  private async verifyHello(version: number, body: HelloBody): Promise<void> {
    this.held = [];
    await this.acceptHello(version, body);
    const held = this.held;
    this.held = undefined;
    if (this.remote) for (const message of held) this.receive(message);
  }

  private async acceptHello(version: number, body: HelloBody): Promise<void> {
    const expectedRole: Role = this.options.role === 'sharer' ? 'receiver' : 'sharer';
    if (version !== PROTOCOL_VERSION) {
      return this.refuse(
        ErrorCode.VersionMismatch,
        `protocol ${version} is not ${PROTOCOL_VERSION}; update Ferry`,
      );
    }
    if (body.role !== expectedRole) return this.refuse(ErrorCode.AuthFailed, `expected a ${expectedRole}`);
    const method = body.auth.method;
    const secret = method === 'none' ? undefined : this.options.auth[method];
    const fingerprints = this.link.fingerprints();
    const valid =
      secret !== undefined &&
      (await verifyProof(secret, body.auth.proof, this.options.sessionId, body.role, fingerprints));
    if (!valid)
      return this.refuse(ErrorCode.AuthFailed, 'the share secret did not match; check the link or code');
    if (this.options.role === 'sharer') await this.sendHello(method as 'link' | 'code');
    this.remote = body;
    this.emit('ready', body);
  }

  private refuse(code: number, message: string): void {
    this.sendError(code, message);
    this.emit('problem', new Error(message));
    setTimeout(() => this.close(message), 50);
  }

  private rejectFrame(error: FrameError): void {
    this.badFrames += 1;
    this.emit('problem', error);
    this.sendError(ErrorCode.MalformedFrame, error.message);
    if (this.badFrames >= MAX_BAD_FRAMES) this.close(`too many malformed frames (${error.message})`);
  }

  private end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.emit('closed', this.refusal ?? reason);
  }
}

function ownMethod(auth: ChannelAuth): 'link' | 'code' {
  return auth.link !== undefined ? 'link' : 'code';
}
