import SimplePeer from 'simple-peer';
import type {
  LinkChannel,
  LinkFactory,
  LinkFingerprints,
  LinkOptions,
  LinkState,
  SignaledLink,
} from './link.ts';
import { type LinkPath, pathFromStats } from './link-path.ts';
import { sdpFingerprint } from './sdp.ts';
import { UnreliableChannel } from './unreliable-channel.ts';

type Wrtc = NonNullable<SimplePeer.Options['wrtc']>;

/** simple-peer keeps its RTCPeerConnection, data channel and message handler private; only this file reaches for them. */
type PeerWithConnection = SimplePeer.Instance & {
  _pc?: RTCPeerConnection;
  _channel?: RTCDataChannel;
  /** Called by simple-peer's channel onmessage for every message (see takeMessages). */
  _onChannelMessage: (event: MessageEvent) => void;
};

/** How often to look for an open channel that simple-peer has not announced (see watchChannelOpen). */
const OPEN_WATCH_MS = 250;

/** Ferry's main data channel: reliable and ordered, carrying binary frames (see unreliable-channel.ts). */
const CHANNEL_NAME = 'ferry';

/**
 * simple-peer hands incoming messages up before it fires 'connect', so a reply can be due while the
 * link still says 'connecting'. Such early sends wait here (a bounded few) and go out on 'connect'.
 */
const MAX_EARLY_SENDS = 64;

class SimplePeerLink implements SignaledLink {
  private readonly peer: SimplePeer.Instance;
  private unreliable: UnreliableChannel | undefined;
  private readonly messageListeners: Array<(message: Uint8Array, channel: LinkChannel) => void> = [];
  private current: LinkState = 'connecting';
  private localFingerprint: string | undefined;
  private remoteFingerprint: string | undefined;
  private readonly closeListeners: Array<(reason: string, failed: boolean) => void> = [];
  private closeReason = 'closed';
  /** Set by simple-peer's 'error' (ICE failed, the data channel failed): the link broke, nobody closed it. */
  private failed = false;
  private early: Uint8Array[] = [];
  private readonly openListeners: Array<() => void> = [];
  private stalled = false;
  private readonly stallListeners: Array<(stalled: boolean) => void> = [];

  constructor(options: LinkOptions, wrtc: Wrtc | undefined) {
    this.peer = new SimplePeer({
      initiator: options.initiator,
      trickle: true,
      channelName: CHANNEL_NAME,
      config: { iceServers: options.iceServers },
      ...(wrtc ? { wrtc } : {}),
    });
    const connection = (this.peer as PeerWithConnection)._pc;
    // The offerer creates it synchronously, before simple-peer's first offer (made in a microtask). The
    // answerer creates it once connected: made before the offer arrived, it stalled about one Chromium →
    // wrtc connection in ten (never opened). Nothing travels on it before the answerer's HELLO anyway.
    if (connection && options.initiator) this.openUnreliable(connection);
    else if (connection) this.openListeners.push(() => this.openUnreliable(connection));
    this.takeMessages(this.peer as PeerWithConnection);
    this.peer.on('connect', () => this.markOpen());
    this.peer.on('iceStateChange', (state: RTCIceConnectionState) => {
      if (state === 'connected' || state === 'completed') {
        this.watchChannelOpen();
        this.setStalled(false);
      } else if (state === 'disconnected') this.setStalled(true);
    });
    this.peer.on('error', (error: Error) => {
      this.closeReason = error.message;
      this.failed = true;
    });
    this.peer.on('close', () => this.finish());
  }

  /** Each message event's ArrayBuffer is new (wrapped, not copied); the unreliable channel's are new too. */
  readonly freshMessages = true;

  get state(): LinkState {
    return this.current;
  }

  get bufferedAmount(): number {
    return this.peer.bufferSize + (this.unreliable?.bufferedAmount ?? 0);
  }

  get droppedAtSender(): number {
    return this.unreliable?.dropped ?? 0;
  }

  buffered(channel: LinkChannel): number {
    return channel === 'unreliable' ? (this.unreliable?.bufferedAmount ?? 0) : this.peer.bufferSize;
  }

  send(message: Uint8Array, channel: LinkChannel = 'reliable'): void {
    if (channel === 'unreliable') {
      if (this.current === 'open') this.unreliable?.send(message);
      return;
    }
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
    if (this.current === 'open') listener();
    else this.openListeners.push(listener);
  }

  onMessage(listener: (message: Uint8Array, channel: LinkChannel) => void): void {
    this.messageListeners.push(listener);
  }

  onStall(listener: (stalled: boolean) => void): void {
    this.stallListeners.push(listener);
  }

  private setStalled(stalled: boolean): void {
    if (this.stalled === stalled || this.current === 'closed') return;
    this.stalled = stalled;
    for (const listener of this.stallListeners) listener(stalled);
  }

  onClose(listener: (reason: string, failed: boolean) => void): void {
    if (this.current === 'closed') listener(this.closeReason, this.failed);
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

  async path(): Promise<LinkPath | undefined> {
    const connection = (this.peer as PeerWithConnection)._pc;
    if (this.current !== 'open' || !connection) return undefined;
    try {
      return pathFromStats((await connection.getStats()).values());
    } catch {
      return undefined; // closed meanwhile: no path to tell
    }
  }

  fingerprints(): LinkFingerprints | undefined {
    if (!this.localFingerprint || !this.remoteFingerprint) return undefined;
    return { local: this.localFingerprint, remote: this.remoteFingerprint };
  }

  /**
   * simple-peer wraps each message's ArrayBuffer in a Buffer and pushes it through a Readable stream
   * before 'data' fires: about ten times the JavaScript of taking the event directly (docs/webrtc.md; in
   * a page, Buffer is a polyfill). Its channel's onmessage calls this method by name, so the link takes
   * the message event itself. Text messages mean nothing to Ferry (simple-peer turned them into empty
   * frames).
   */
  private takeMessages(peer: PeerWithConnection): void {
    peer._onChannelMessage = (event: MessageEvent) => {
      if (peer.destroyed || !(event.data instanceof ArrayBuffer)) return;
      const message = new Uint8Array(event.data);
      for (const listener of this.messageListeners) listener(message, 'reliable');
    };
  }

  private markOpen(): void {
    if (this.current !== 'connecting') return;
    this.current = 'open';
    for (const message of this.early.splice(0)) this.send(message);
    for (const listener of this.openListeners.splice(0)) listener();
  }

  /**
   * simple-peer fires 'connect' only after getStats shows a selected candidate pair; when a stats report
   * names a pair it does not list, its callback throws and 'connect' never comes although the channel is
   * open. Once ICE is connected, an open channel is proof enough.
   */
  private watchChannelOpen(): void {
    const timer = setInterval(() => {
      if (this.current !== 'connecting') clearInterval(timer);
      else if ((this.peer as PeerWithConnection)._channel?.readyState === 'open') {
        clearInterval(timer);
        this.markOpen();
      }
    }, OPEN_WATCH_MS);
  }

  private openUnreliable(connection: RTCPeerConnection): void {
    if (this.current === 'closed') return;
    this.unreliable = UnreliableChannel.open(connection, (message) => {
      for (const listener of this.messageListeners) listener(message, 'unreliable');
    });
  }

  private finish(): void {
    if (this.current === 'closed') return;
    this.current = 'closed';
    this.early = [];
    this.unreliable?.close();
    for (const listener of this.closeListeners.splice(0)) listener(this.closeReason, this.failed);
  }
}

/** Links over simple-peer; Node passes a WebRTC implementation (see receiver/), browsers use their own. */
export function simplePeerLinks(wrtc?: Wrtc): LinkFactory {
  return (options) => new SimplePeerLink(options, wrtc);
}
