/**
 * The floor for the usb part: a bare @roamhq/wrtc data channel pair (one ordered reliable channel, no
 * Ferry frame, session, pipeline or simple-peer). The driver (receiver side) offers; the far end (sharer
 * side) answers every message with one of the length the message asks for in its first 4 bytes (u32 LE),
 * echoing the message's own bytes when the lengths match. So a "bulk pair" moves the same bytes each way
 * as Ferry's OUT + IN transfer frames, and a "control read" the same bytes as its request and completion.
 */
import wrtc from '@roamhq/wrtc';

export async function gatheredSdp(pc: RTCPeerConnection): Promise<string> {
  await new Promise<void>((done) => {
    if (pc.iceGatheringState === 'complete') done();
    pc.onicegatheringstatechange = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    setTimeout(done, 3000);
  });
  return pc.localDescription?.sdp ?? '';
}

/** Sharer side: answers the driver's offer and replies to every message. */
export async function answerEcho(offer: string): Promise<{ answer: string; close: () => void }> {
  const pc = new wrtc.RTCPeerConnection({ iceServers: [] });
  const replies = new Map<number, Uint8Array<ArrayBuffer>>();
  pc.ondatachannel = ({ channel }) => {
    channel.binaryType = 'arraybuffer';
    channel.onmessage = ({ data }: MessageEvent<ArrayBuffer>) => {
      const length = new DataView(data).getUint32(0, true);
      if (length === data.byteLength) {
        channel.send(data);
        return;
      }
      let reply = replies.get(length);
      if (!reply) {
        reply = new Uint8Array(length);
        replies.set(length, reply);
      }
      channel.send(reply);
    };
  };
  await pc.setRemoteDescription({ type: 'offer', sdp: offer });
  await pc.setLocalDescription(await pc.createAnswer());
  return { answer: await gatheredSdp(pc), close: () => pc.close() };
}

/** Driver side: requests answered in order (one ordered channel), several may be in flight. */
export class EchoDriver {
  private readonly waiting: Array<(data: ArrayBuffer) => void> = [];
  private readonly open: Promise<void>;

  private constructor(
    private readonly pc: RTCPeerConnection,
    private readonly channel: RTCDataChannel,
    readonly offer: string,
  ) {
    channel.binaryType = 'arraybuffer';
    channel.onmessage = ({ data }: MessageEvent<ArrayBuffer>) => this.waiting.shift()?.(data);
    this.open = new Promise((done, fail) => {
      if (channel.readyState === 'open') done();
      channel.onopen = () => done();
      setTimeout(() => fail(new Error('bare data channel did not open in 10 s')), 10_000);
    });
  }

  static async create(): Promise<EchoDriver> {
    const pc = new wrtc.RTCPeerConnection({ iceServers: [] });
    const channel = pc.createDataChannel('usb-floor');
    await pc.setLocalDescription(await pc.createOffer());
    return new EchoDriver(pc, channel, await gatheredSdp(pc));
  }

  async accept(answer: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answer });
    await this.open;
  }

  /** Sends `message` (its first 4 bytes overwritten with `replyBytes`) and resolves with the reply. */
  request(message: Uint8Array<ArrayBuffer>, replyBytes: number): Promise<ArrayBuffer> {
    new DataView(message.buffer, message.byteOffset).setUint32(0, replyBytes, true);
    const reply = new Promise<ArrayBuffer>((resolve) => this.waiting.push(resolve));
    this.channel.send(message);
    return reply;
  }

  close(): void {
    this.pc.close();
  }
}
