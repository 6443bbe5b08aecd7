/**
 * A message link to one peer: the only thing sessions know about WebRTC. Keeping simple-peer behind
 * this small interface lets it be measured and swapped (see docs/webrtc.md).
 */
import type { LinkPath } from './link-path.ts';

export type LinkState = 'connecting' | 'open' | 'closed';

/**
 * Which data channel a message travels on: `reliable` (ordered, retransmitted: everything by default) or
 * `unreliable` (unordered, never retransmitted: input reports when the pipeline has `seq`). The names
 * match the pipeline's ChannelClass.
 */
export type LinkChannel = 'reliable' | 'unreliable';

export interface Link {
  readonly state: LinkState;
  /** Bytes queued in the data channel and not yet handed to the network. */
  readonly bufferedAmount: number;
  /** The same, for one of the two channels (the pipeline's `input` stage holds motion on it). */
  buffered?(channel: LinkChannel): number;
  /** Messages the unreliable channel dropped at this end instead of queuing them (links without one omit it). */
  readonly droppedAtSender?: number;
  /**
   * True when every message handed to onMessage is a buffer of its own that the link never reuses (a
   * data channel's message event carries a new ArrayBuffer each time), so a frame that is a view into it
   * may be kept. Links that reuse a receive buffer omit it.
   */
  readonly freshMessages?: boolean;
  /** Sends on the reliable channel unless told otherwise; the unreliable one drops what it cannot send. */
  send(message: Uint8Array, channel?: LinkChannel): void;
  onOpen(listener: () => void): void;
  onMessage(listener: (message: Uint8Array, channel: LinkChannel) => void): void;
  /** `failed` is true when the link broke (ICE or the data channel failed), false when an end closed it. */
  onClose(listener: (reason: string, failed: boolean) => void): void;
  /**
   * ICE lost the peer for now (`true`: 'disconnected', its checks unanswered for a few seconds; the link
   * is not down yet and may come back with a backlog) or found it again (`false`). Links without ICE
   * omit it.
   */
  onStall?(listener: (stalled: boolean) => void): void;
  close(): void;
  /** The network path in use (direct or relayed, RTT), once ICE has chosen one; links without ICE omit it. */
  path?(): Promise<LinkPath | undefined>;
}

/** The DTLS certificate fingerprints of both ends, read from the SDP, to bind authentication to this link. */
export interface LinkFingerprints {
  local: string;
  remote: string;
}

/** A link whose signaling travels through Ferry's signaling server. */
export interface SignaledLink extends Link {
  /** Feed a signal message (offer, answer, candidate) received from the peer. */
  signal(data: object): void;
  /** Fires for every signal message this end wants delivered to the peer. */
  onSignal(listener: (data: object) => void): void;
  /** Known once both descriptions have been exchanged. */
  fingerprints(): LinkFingerprints | undefined;
}

export interface LinkOptions {
  initiator: boolean;
  iceServers: RTCIceServer[];
}

export type LinkFactory = (options: LinkOptions) => SignaledLink;
