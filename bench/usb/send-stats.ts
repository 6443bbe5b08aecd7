/**
 * A diagnostic (BENCH_USB_SEND_STATS=1): counts every @roamhq/wrtc `RTCDataChannel.send` of this process
 * per channel label — calls, bytes, and the wall time the call blocked the JavaScript thread (wrtc's send
 * is a synchronous hop to its network thread, which SCTP-fragments and DTLS-encrypts before returning) —
 * and every message received, so a bulk row can say how many messages of what size each path moved and
 * what they cost the sender's thread. Also the turn time: wall µs from a message's arrival (wrtc's
 * dispatch) to this end's next send of more than 1000 bytes on that channel — at one transfer in flight,
 * the time this end's JavaScript adds to each round trip (the floor's is its echo). Off by default: the
 * wrapper itself costs a little per message.
 */
import wrtc from '@roamhq/wrtc';

export interface ChannelStats {
  sends: number;
  sentBytes: number;
  sendWallUs: number;
  received: number;
  receivedBytes: number;
  /** Median wall µs from a message's arrival to the next large send (see the header); -1 if none. */
  turnP50Us: number;
}

/** Larger sends answer a message; smaller ones (heartbeats, control) do not end a turn. */
const TURN_SEND_BYTES = 1000;

const stats = new Map<string, Omit<ChannelStats, 'turnP50Us'>>();
const arrivedAt = new Map<string, number>();
const turns = new Map<string, number[]>();
const enabled = process.env.BENCH_USB_SEND_STATS === '1';

function of(label: string): Omit<ChannelStats, 'turnP50Us'> {
  let entry = stats.get(label);
  if (!entry) {
    entry = { sends: 0, sentBytes: 0, sendWallUs: 0, received: 0, receivedBytes: 0 };
    stats.set(label, entry);
  }
  return entry;
}

if (enabled) {
  const proto = (wrtc as unknown as { RTCDataChannel: { prototype: RTCDataChannel } }).RTCDataChannel
    .prototype;
  const send = proto.send;
  proto.send = function counted(this: RTCDataChannel, data: never) {
    const entry = of(this.label);
    const started = performance.now();
    const arrived = arrivedAt.get(this.label);
    if (arrived !== undefined && (data as ArrayBufferView).byteLength > TURN_SEND_BYTES) {
      arrivedAt.delete(this.label);
      const list = turns.get(this.label) ?? [];
      list.push((started - arrived) * 1000);
      turns.set(this.label, list);
    }
    try {
      send.call(this, data);
    } finally {
      entry.sendWallUs += (performance.now() - started) * 1000;
      entry.sends += 1;
      entry.sentBytes += (data as ArrayBufferView).byteLength ?? 0;
    }
  };
  const dispatch = (proto as unknown as { dispatchEvent: (event: Event) => boolean }).dispatchEvent;
  (proto as unknown as { dispatchEvent: (event: Event) => boolean }).dispatchEvent = function counted(
    this: RTCDataChannel,
    event: Event,
  ) {
    if (event.type === 'message') {
      const entry = of(this.label);
      entry.received += 1;
      entry.receivedBytes += ((event as MessageEvent).data as ArrayBuffer).byteLength ?? 0;
      if (!arrivedAt.has(this.label)) arrivedAt.set(this.label, performance.now());
    }
    return dispatch.call(this, event);
  };
}

/** The counts since the last call (then reset); empty when the diagnostic is off. */
export function takeSendStats(): Record<string, ChannelStats> {
  const out = Object.fromEntries(
    [...stats].map(([label, entry]) => [label, { ...entry, turnP50Us: median(turns.get(label) ?? []) }]),
  );
  stats.clear();
  turns.clear();
  arrivedAt.clear();
  return out;
}

function median(values: number[]): number {
  if (values.length === 0) return -1;
  const sorted = values.sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)] ?? -1);
}
