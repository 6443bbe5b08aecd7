/**
 * The floor and the relay: each `inputreport` is stamped exactly as Ferry's WebHidSource stamps it and sent
 * as the bare report bytes (the stamp overwrites its first 8 bytes, little-endian float64) — no Ferry frame,
 * no session, no simple-peer.
 */
export type RawSend = (message: Uint8Array<ArrayBuffer>) => void;

export function forwardRaw(devices: readonly HIDDevice[], send: RawSend): () => void {
  const buffers = new Map<number, { bytes: Uint8Array<ArrayBuffer>; view: DataView }>();
  const handler = (event: HIDInputReportEvent) => {
    const stamp = performance.timeOrigin + performance.now();
    const { data } = event;
    let buffer = buffers.get(data.byteLength);
    if (!buffer) {
      const bytes = new Uint8Array(data.byteLength);
      buffer = { bytes, view: new DataView(bytes.buffer) };
      buffers.set(data.byteLength, buffer);
    }
    buffer.bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    buffer.view.setFloat64(0, stamp, true);
    send(buffer.bytes);
  };
  for (const device of devices) device.addEventListener('inputreport', handler);
  return () => {
    for (const device of devices) device.removeEventListener('inputreport', handler);
  };
}

/** Bare WebRTC: the page's own RTCPeerConnection, one ordered reliable channel, offer without trickle. */
export async function bareOffer(): Promise<{ pc: RTCPeerConnection; channel: RTCDataChannel; sdp: string }> {
  const pc = new RTCPeerConnection({ iceServers: [] });
  const channel = pc.createDataChannel('bare');
  channel.binaryType = 'arraybuffer';
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  return { pc, channel, sdp: pc.localDescription?.sdp ?? '' };
}

export function gathered(pc: RTCPeerConnection): Promise<void> {
  return new Promise((done) => {
    if (pc.iceGatheringState === 'complete') done();
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') done();
    });
  });
}

export function opened(target: RTCDataChannel | WebSocket): Promise<void> {
  return new Promise((done, fail) => {
    if (target.readyState === 'open' || target.readyState === WebSocket.OPEN) done();
    target.addEventListener('open', () => done());
    target.addEventListener('error', () => fail(new Error('the channel failed to open')));
  });
}
