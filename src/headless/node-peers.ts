import WebSocket from 'ws';
import {
  SignalingClient,
  type SignalingClientOptions,
  simplePeerLinks,
  type WebSocketConstructor,
} from '../transport/index.ts';
import { keptWrtc } from './kept-wrtc.ts';

/** WebRTC links for a peer in Node (wrtc behind simple-peer: the stack `ferry receive` uses; kept-wrtc.ts). */
export const nodeLinks = simplePeerLinks(keptWrtc);

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
