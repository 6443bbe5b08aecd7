/**
 * A diagnostic (BENCH_USB_SEND_STATS=1): counts every @roamhq/wrtc `RTCDataChannel.send` of this process
 * per channel label — calls, bytes, and the wall time the call blocked the JavaScript thread (wrtc's send
 * is a synchronous hop to its network thread, which SCTP-fragments and DTLS-encrypts before returning) —
 * and every message received, so a bulk row can say how many messages of what size each path moved and
 * what they cost the sender's thread. Off by default: the wrapper itself costs a little per message.
 */
import wrtc from '@roamhq/wrtc';

export interface ChannelStats {
  sends: number;
  sentBytes: number;
  sendWallUs: number;
  received: number;
  receivedBytes: number;
}

const stats = new Map<string, ChannelStats>();
const enabled = process.env.BENCH_USB_SEND_STATS === '1';

function of(label: string): ChannelStats {
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
    }
    return dispatch.call(this, event);
  };
}

/** The counts since the last call (then reset); empty when the diagnostic is off. */
export function takeSendStats(): Record<string, ChannelStats> {
  const out = Object.fromEntries(stats);
  stats.clear();
  return out;
}
