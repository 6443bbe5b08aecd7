/**
 * The second data channel of a link: unordered and never retransmitted, for input reports when the
 * pipeline has `seq` (a late report is worth less than no head-of-line blocking). Both ends create it
 * with the same pre-agreed id (`negotiated: true`), so it needs no signaling of its own and opens with
 * the SCTP association. Ends that never use it pay nothing for it.
 */

/**
 * Far above the ids the SCTP stream allocator hands out for the link's one in-band channel (0 or 1, by
 * DTLS role) and below Chrome's highest stream id (1023), so the two never collide.
 */
export const UNRELIABLE_CHANNEL_ID = 100;

/**
 * Input reports that would queue the channel past this are dropped, not queued: each queued report is
 * added latency, and the next report carries the newer state anyway.
 */
export const MAX_BUFFERED_BYTES = 64 * 1024;

/** The part of an RTCDataChannel this class uses (a real channel, browser or @roamhq/wrtc, is one). */
export type UnreliableDataChannel = Pick<
  RTCDataChannel,
  'readyState' | 'bufferedAmount' | 'send' | 'close' | 'binaryType' | 'onmessage'
>;

export class UnreliableChannel {
  /** Messages dropped at this (sending) end: the channel was not open, or sending would queue past the cap. */
  dropped = 0;

  private constructor(
    private readonly channel: UnreliableDataChannel,
    onMessage: (message: Uint8Array) => void,
  ) {
    channel.binaryType = 'arraybuffer';
    channel.onmessage = (event: MessageEvent) => {
      if (event.data instanceof ArrayBuffer) onMessage(new Uint8Array(event.data)); // text means nothing here
    };
  }

  /** Creates the channel on `connection` (the other end must create it too, with the same id). */
  static open(connection: RTCPeerConnection, onMessage: (message: Uint8Array) => void): UnreliableChannel {
    const channel = connection.createDataChannel('ferry-unreliable', {
      negotiated: true,
      id: UNRELIABLE_CHANNEL_ID,
      ordered: false,
      maxRetransmits: 0,
    });
    return UnreliableChannel.wrap(channel, onMessage);
  }

  /** Drives an already created channel (the other end's, or one made with the options above). */
  static wrap(channel: UnreliableDataChannel, onMessage: (message: Uint8Array) => void): UnreliableChannel {
    return new UnreliableChannel(channel, onMessage);
  }

  get bufferedAmount(): number {
    return this.channel.bufferedAmount;
  }

  /** Sends `message`, or drops and counts it when the channel is not open or would queue past the cap. */
  send(message: Uint8Array): void {
    // Checked before every send (two property reads, no allocation): never hand a report to a backed-up queue.
    if (
      this.channel.readyState !== 'open' ||
      this.channel.bufferedAmount + message.byteLength > MAX_BUFFERED_BYTES
    ) {
      this.dropped++;
      return;
    }
    try {
      this.channel.send(message as Uint8Array<ArrayBuffer>);
    } catch {
      // Closing under us: losing a message is what this channel is for.
      this.dropped++;
    }
  }

  close(): void {
    this.channel.onmessage = null;
    this.channel.close();
  }
}
