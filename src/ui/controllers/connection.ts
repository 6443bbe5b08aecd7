/** What both controllers need to reach a peer: a connected signaling client, a link factory, ICE servers. */
import { IceServerFeed, SignalingClient, simplePeerLinks } from '../../transport/index.ts';
import { publicUrlOf, signalingUrl } from '../lib/environment.ts';

export interface PeerConnectionKit {
  signaling: SignalingClient;
  links: ReturnType<typeof simplePeerLinks>;
  /** The server's /config.json ICE servers, renewed before its TURN credentials expire. */
  iceServers: () => RTCIceServer[];
  /** The origin for share links: the server's public URL, or this page's own. */
  linkOrigin: string;
}

/**
 * The server publishes STUN/TURN servers and its public origin at /config.json. Without them (a test, a
 * LAN) host candidates still connect peers on one network, so a missing or broken config is not an error.
 */
export async function connectToServer(): Promise<PeerConnectionKit> {
  // A page outlives a restart of the signaling server: it retries, then resumes its session (docs/signaling.md).
  const signaling = new SignalingClient(WebSocket, { reconnect: true });
  const ice = new IceServerFeed('/config.json');
  signaling.on('close', () => ice.close());
  await Promise.all([ice.start(), signaling.connect(signalingUrl(location))]);
  const linkOrigin = publicUrlOf(ice.body) ?? location.origin;
  return { signaling, links: simplePeerLinks(), iceServers: ice.current, linkOrigin };
}
