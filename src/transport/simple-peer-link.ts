import SimplePeer from 'simple-peer';
import type { LinkFactory, LinkFingerprints, LinkOptions, LinkState, SignaledLink } from './link.ts';
import { sdpFingerprint } from './sdp.ts';

type Wrtc = NonNullable<SimplePeer.Options['wrtc']>;

/** Ferry's one data channel: reliable and ordered, carrying binary frames. */
const CHANNEL_NAME = 'ferry';

/**
 * simple-peer hands incoming messages up before it fires 'connect', so a reply can be due while the
 * link still says 'connecting'. Such early sends wait here (a bounded few) and go out on 'connect'.
 */
const MAX_EARLY_SENDS = 64;

class SimplePeerLink implements SignaledLink {
  private readonly peer: SimplePeer.Instance;
  private current: LinkState = 'connecting';
  private localFingerprint: string | undefined;
  private remoteFingerprint: string | undefined;
  private readonly closeListeners: Array<(reason: string) => void> = [];
  private closeReason = 'closed';
  private early: Uint8Array[] = [];

  constructor(options: LinkOptions, wrtc: Wrtc | undefined) {
    this.peer = new SimplePeer({
      initiator: options.initiator,
      trickle: true,
      channelName: CHANNEL_NAME,
      config: { iceServers: options.iceServers },
      ...(wrtc ? { wrtc } : {}),
    });
    this.peer.on('connect', () => {
      this.current = 'open';
      for (const message of this.early.splice(0)) this.send(message);
    });
    this.peer.on('error', (error: Error) => {
      this.closeReason = error.message;
    });
    this.peer.on('close', () => this.finish());
  }

  get state(): LinkState {
    return this.current;
  }

  get bufferedAmount(): number {
    return this.peer.bufferSize;
  }

  send(message: Uint8Array): void {
    if (this.current === 'connecting') {
      if (this.early.length < MAX_EARLY_SENDS) this.early.push(message.slice());
      return;
    }
    if (this.current !== 'open') return;
    try {
      this.peer.send(message);
    } catch (error) {
      // The channel closed under us (its close event is on its way); the message is moot.
      this.closeReason = error instanceof Error ? error.message : String(error);
    }
  }

  onOpen(listener: () => void): void {
    this.peer.on('connect', listener);
  }

  onMessage(listener: (message: Uint8Array) => void): void {
    this.peer.on('data', (data: Uint8Array) => listener(data));
  }

  onClose(listener: (reason: string) => void): void {
    if (this.current === 'closed') listener(this.closeReason);
    else this.closeListeners.push(listener);
  }

  close(): void {
    this.peer.destroy();
    this.finish();
  }

  signal(data: object): void {
    const sdp = (data as { sdp?: unknown }).sdp;
    if (typeof sdp === 'string') this.remoteFingerprint = sdpFingerprint(sdp);
    this.peer.signal(data as SimplePeer.SignalData);
  }

  onSignal(listener: (data: object) => void): void {
    this.peer.on('signal', (data: SimplePeer.SignalData) => {
      const sdp = (data as { sdp?: unknown }).sdp;
      if (typeof sdp === 'string') this.localFingerprint = sdpFingerprint(sdp);
      listener(data);
    });
  }

  fingerprints(): LinkFingerprints | undefined {
    if (!this.localFingerprint || !this.remoteFingerprint) return undefined;
    return { local: this.localFingerprint, remote: this.remoteFingerprint };
  }

  private finish(): void {
    if (this.current === 'closed') return;
    this.current = 'closed';
    this.early = [];
    for (const listener of this.closeListeners.splice(0)) listener(this.closeReason);
  }
}

/** Links over simple-peer; Node passes a WebRTC implementation (see receiver/), browsers use their own. */
export function simplePeerLinks(wrtc?: Wrtc): LinkFactory {
  return (options) => new SimplePeerLink(options, wrtc);
}
