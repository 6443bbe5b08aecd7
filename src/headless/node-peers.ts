import WebSocket from 'ws';
import {
  type LinkFactory,
  SignalingClient,
  type SignalingClientOptions,
  simplePeerLinks,
  type WebSocketConstructor,
} from '../transport/index.ts';
import { keptWrtc } from './kept-wrtc.ts';
import { enlargeUdpReceiveBuffers } from './receive-buffers.ts';

const wrtcLinks = simplePeerLinks(keptWrtc);

/**
 * WebRTC links for a peer in Node (wrtc behind simple-peer: the stack `ferry receive` uses; kept-wrtc.ts).
 * When one opens, its sockets get larger receive buffers (receive-buffers.ts).
 */
export const nodeLinks: LinkFactory = (options) => {
  const link = wrtcLinks(options);
  link.onOpen(() => enlargeUdpReceiveBuffers());
  return link;
};

/** A signaling client on Node's `ws`, not yet connected (`{ reconnect: true }`: it resumes after outages). */
export function nodeSignaling(options: SignalingClientOptions = {}): SignalingClient {
  return new SignalingClient(WebSocket as unknown as WebSocketConstructor, options);
}

/** A signaling client connected to the Ferry server at `serverUrl` (http(s)://host:port). */
export async function connectSignaling(serverUrl: string): Promise<SignalingClient> {
  const client = nodeSignaling();
  await client.connect(`${serverUrl.replace(/^http/, 'ws')}/signal`);
  return client;
}
