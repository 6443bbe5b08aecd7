/**
 * A receiver at the frame level, for tests of what a sharer does with a peer that proves the secret and
 * then speaks frames of its own choosing: it joins `sessionId`, authenticates over real Node WebRTC, and
 * records every frame the sharer sends it. The caller closes `channel` when its test is done.
 */
import { expect } from 'vitest';
import type { Frame } from '../../src/protocol/index.ts';
import type { ChannelAuth, SignalingClient } from '../../src/transport/index.ts';
import { PeerChannel } from '../../src/transport/peer-channel.ts';
import { nodeLinks } from './node-peers.ts';

export interface RawReceiverOptions {
  /** Connected, in no session yet. */
  readonly signaling: SignalingClient;
  readonly sessionId: string;
  readonly auth: ChannelAuth;
  readonly name?: string;
  /** The hello's capabilities. Default `['hid']`. */
  readonly capabilities?: string[];
  /** Once the link is ready: what to send first (a READMIT, say). */
  readonly onReady?: (channel: PeerChannel) => void;
}

export interface RawReceiver {
  readonly channel: PeerChannel;
  readonly frames: Frame[];
}

export async function rawReceiver(options: RawReceiverOptions): Promise<RawReceiver> {
  const { signaling, sessionId, name = 'raw' } = options;
  const frames: Frame[] = [];
  let channel: PeerChannel | undefined;
  signaling.on('signal', ({ from, data }) => {
    if (!channel) {
      const link = nodeLinks({ initiator: false, iceServers: [] });
      link.onSignal((out) => signaling.signal(from, out as Record<string, unknown>));
      const made = new PeerChannel(from, link, {
        role: 'receiver',
        name,
        sessionId,
        auth: options.auth,
        capabilities: options.capabilities ?? ['hid'],
        pipeline: '',
        speaksFirst: true, // it joined the session
      });
      made.on('frame', (frame) => frames.push(frame));
      made.on('ready', () => options.onReady?.(made));
      channel = made;
    }
    channel.link.signal(data);
  });
  await signaling.join({ sessionId }, 'receiver', name);
  await expect.poll(() => channel?.ready, { timeout: 10_000 }).toBe(true);
  return { channel: channel as PeerChannel, frames };
}
