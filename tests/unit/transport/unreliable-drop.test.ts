import wrtc from '@roamhq/wrtc';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MAX_BUFFERED_BYTES,
  UNRELIABLE_CHANNEL_ID,
  UnreliableChannel,
  type UnreliableDataChannel,
} from '../../../src/transport/unreliable-channel.ts';

/** Two real @roamhq/wrtc connections on loopback, host candidates only, joined without a signaling server. */
async function connectedPair(): Promise<[RTCPeerConnection, RTCPeerConnection]> {
  const a = new wrtc.RTCPeerConnection({ iceServers: [] }) as RTCPeerConnection;
  const b = new wrtc.RTCPeerConnection({ iceServers: [] }) as RTCPeerConnection;
  a.onicecandidate = (event) => event.candidate && void b.addIceCandidate(event.candidate);
  b.onicecandidate = (event) => event.candidate && void a.addIceCandidate(event.candidate);
  return [a, b];
}

async function negotiate(a: RTCPeerConnection, b: RTCPeerConnection): Promise<void> {
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription as RTCSessionDescriptionInit);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription as RTCSessionDescriptionInit);
}

/** The raw sending channel (same options as UnreliableChannel.open), so the test can fill its queue itself. */
function rawUnreliable(connection: RTCPeerConnection): RTCDataChannel {
  return connection.createDataChannel('ferry-unreliable', {
    negotiated: true,
    id: UNRELIABLE_CHANNEL_ID,
    ordered: false,
    maxRetransmits: 0,
  });
}

function opened(channel: RTCDataChannel): Promise<void> {
  if (channel.readyState === 'open') return Promise.resolve();
  return new Promise((resolve) => channel.addEventListener('open', () => resolve(), { once: true }));
}

describe('the unreliable channel drops at the sender rather than queue past 64 KiB', () => {
  const connections: RTCPeerConnection[] = [];
  afterEach(() => {
    for (const connection of connections.splice(0)) connection.close();
  });

  async function setUp(onReceived: (message: Uint8Array) => void) {
    const [a, b] = await connectedPair();
    connections.push(a, b);
    const raw = rawUnreliable(a);
    const sender = UnreliableChannel.wrap(raw, () => {});
    UnreliableChannel.open(b, onReceived);
    (raw as { binaryType: BinaryType }).binaryType = 'arraybuffer';
    await negotiate(a, b);
    await opened(raw);
    return { raw, sender };
  }

  it('sends reports while the queue is under the cap, and counts nothing dropped', async () => {
    const received: number[] = [];
    let arrived: () => void = () => {};
    const first = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const { sender } = await setUp((message) => {
      received.push(message[0] ?? -1);
      arrived();
    });
    const report = new Uint8Array(64);
    for (let i = 0; i < 20; i += 1) {
      report[0] = i;
      sender.send(report);
    }
    await first;
    expect(sender.dropped).toBe(0);
    expect(received.length).toBeGreaterThan(0);
    expect(received.every((value) => value >= 0 && value < 20)).toBe(true);
  });
});

/**
 * @roamhq/wrtc updates bufferedAmount only between turns of the event loop, so a real queue cannot be held
 * above the cap deterministically: this channel (the four members UnreliableChannel reads) reports a chosen
 * backlog and records what it was handed.
 */
function backlogChannel(bufferedAmount: number) {
  const sent: number[] = [];
  const channel: UnreliableDataChannel = {
    readyState: 'open',
    bufferedAmount,
    binaryType: 'arraybuffer',
    onmessage: null,
    send: (data: unknown) => void sent.push((data as Uint8Array).byteLength),
    close: () => {},
  };
  return { channel, sent };
}

describe('the unreliable channel checks its backlog before each send', () => {
  it('drops and counts every report while the backlog is above the cap, never queuing it', () => {
    const { channel, sent } = backlogChannel(MAX_BUFFERED_BYTES + 1);
    const sender = UnreliableChannel.wrap(channel, () => {});
    for (let i = 0; i < 100; i += 1) sender.send(new Uint8Array(64));
    expect(sender.dropped).toBe(100);
    expect(sent).toEqual([]);
  });

  it('drops a report that would take the backlog past the cap, and sends one that fits', () => {
    const { channel, sent } = backlogChannel(MAX_BUFFERED_BYTES - 64);
    const sender = UnreliableChannel.wrap(channel, () => {});
    sender.send(new Uint8Array(65));
    sender.send(new Uint8Array(64));
    expect(sender.dropped).toBe(1);
    expect(sent).toEqual([64]);
  });
});
