/** The receiver ends of the three transports; each calls `record(stampMs, bytes)` at its sink write. */
import wrtc from '@roamhq/wrtc';
import WebSocket from 'ws';
import { nodeLinks } from '../../src/headless/index.ts';
import { ReceiverSession, SignalingClient, type WebSocketConstructor } from '../../src/transport/index.ts';
import { REPORT_TAG_OFFSET } from '../page/api.ts';

/** The report as delivered (a borrowed view) and the sharer's stamp of it. */
export type Record = (stampMs: number, data: Uint8Array) => void;

/** The window id the page wrote into the report (bytes 8–11, u32 little-endian). */
export const readTag = (data: Uint8Array) =>
  ((data[REPORT_TAG_OFFSET] ?? 0) |
    ((data[REPORT_TAG_OFFSET + 1] ?? 0) << 8) |
    ((data[REPORT_TAG_OFFSET + 2] ?? 0) << 16) |
    ((data[REPORT_TAG_OFFSET + 3] ?? 0) << 24)) >>>
  0;

/** Bare @roamhq/wrtc: answers the page's offer (no trickle); the stamp is the message's first 8 bytes. */
export async function answerBare(
  offer: string,
  record: Record,
): Promise<{ answer: string; close: () => void }> {
  const pc = new wrtc.RTCPeerConnection({ iceServers: [] });
  pc.ondatachannel = ({ channel }) => {
    channel.binaryType = 'arraybuffer';
    channel.onmessage = ({ data }: MessageEvent<ArrayBuffer>) => {
      record(new DataView(data).getFloat64(0, true), new Uint8Array(data));
    };
  };
  await pc.setRemoteDescription({ type: 'offer', sdp: offer });
  await pc.setLocalDescription(await pc.createAnswer());
  await new Promise<void>((done) => {
    if (pc.iceGatheringState === 'complete') done();
    pc.onicegatheringstatechange = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
  });
  return { answer: pc.localDescription?.sdp ?? '', close: () => pc.close() };
}

/** The far end of the WebSocket relay. */
export async function joinRelay(url: string, record: Record): Promise<() => void> {
  const socket = new WebSocket(url);
  socket.on('message', (data: Buffer) => record(data.readDoubleLE(0), data));
  await new Promise<void>((done, fail) => {
    socket.once('open', () => done());
    socket.once('error', fail);
  });
  return () => socket.close();
}

/**
 * Ferry's real ReceiverSession on `ferry receive`'s links (nodeLinks), timing at the RemoteDevice input
 * listener (where sinks write).
 */
export async function joinFerry(
  signalUrl: string,
  sessionId: string,
  secret: string,
  record: Record,
  pipeline?: string,
): Promise<{ devices: () => number; pipeline: () => string; lost: () => number; close: () => void }> {
  const signaling = new SignalingClient(WebSocket as unknown as WebSocketConstructor);
  const session = new ReceiverSession({
    signaling,
    links: nodeLinks,
    iceServers: [],
    name: 'bench-receiver',
    auth: { link: secret },
    ...(pipeline === undefined ? {} : { pipeline }),
  });
  let devices = 0;
  let agreed = '';
  session.on('connected', (connection) => {
    agreed = connection.pipeline;
  });
  session.on('device', (device) => {
    devices++;
    device.onInput((_reportId, data, timestampMs) => record(timestampMs, data));
  });
  session.on('problem', (error) => console.error(`receiver: ${error.message}`));
  await signaling.connect(signalUrl);
  await session.join({ sessionId });
  return {
    devices: () => devices,
    pipeline: () => agreed,
    lost: () => session.lost,
    close: () => session.close('bench over'),
  };
}
