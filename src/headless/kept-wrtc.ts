/**
 * @roamhq/wrtc as the headless peers use it, with a workaround for its known crash: 0.10.0 (the newest
 * release) can segfault when the garbage collector finalizes a closed RTCPeerConnection or one of its
 * data channels (WonderInventions/node-webrtc#35). Measured here (docs/webrtc.md): a Node process that
 * made and closed 100 connection pairs with a GC every 10 crashed in 2 of 20 runs, and in 0 of 20 when it
 * kept them all reachable. So each connection and data channel the peer makes stays reachable, up to
 * MAX_KEPT connections (≈ 220 KiB each once closed); past that the oldest are let go, a rare risk again
 * instead of memory that grows with every reconnect for ever. The objects are the real ones, unchanged.
 */
import wrtc from '@roamhq/wrtc';

/** About 220 MB of closed connections: a `ferry receive --keep` that reconnected a thousand times. */
export const MAX_KEPT = 1000;

/** The newest entries, at most `max`: adding past it lets the oldest go. */
export class KeptList {
  private readonly entries: unknown[][] = [];

  constructor(private readonly max: number) {}

  add(entry: unknown[]): void {
    this.entries.push(entry);
    if (this.entries.length > this.max) this.entries.shift();
  }

  get size(): number {
    return this.entries.length;
  }

  /** Whether `item` is held by an entry still kept. */
  holds(item: unknown): boolean {
    return this.entries.some((entry) => entry.includes(item));
  }
}

/** Each entry is one connection and its data channels (native objects of their own). */
export const kept = new KeptList(MAX_KEPT);

const Real = wrtc.RTCPeerConnection;

class KeptPeerConnection extends Real {
  /** This connection's entry in `kept`; its data channels join it. */
  private readonly keptWith: unknown[] = [this];

  constructor(...args: ConstructorParameters<typeof Real>) {
    super(...args);
    kept.add(this.keptWith);
    // The answerer's channels come by this event; the offerer's from createDataChannel below.
    this.addEventListener('datachannel', (event) => this.keptWith.push(event.channel));
  }

  override createDataChannel(...args: Parameters<InstanceType<typeof Real>['createDataChannel']>) {
    const channel = super.createDataChannel(...args);
    this.keptWith.push(channel);
    return channel;
  }
}

/** The WebRTC implementation for simple-peer in Node: wrtc's, with connections kept (above). */
export const keptWrtc = {
  RTCPeerConnection: KeptPeerConnection,
  RTCSessionDescription: wrtc.RTCSessionDescription,
  RTCIceCandidate: wrtc.RTCIceCandidate,
};
