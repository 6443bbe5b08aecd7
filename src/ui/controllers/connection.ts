/** What both controllers need to reach a peer: a connected signaling client, a link factory, ICE servers. */
import { SignalingClient, simplePeerLinks } from '../../transport/index.ts';
import { fetchServerConfig, signalingUrl } from '../lib/environment.ts';

export interface PeerConnectionKit {
  signaling: SignalingClient;
  links: ReturnType<typeof simplePeerLinks>;
  iceServers: RTCIceServer[];
  /** The origin for share links: the server's public URL, or this page's own. */
  linkOrigin: string;
}

export async function connectToServer(): Promise<PeerConnectionKit> {
  const signaling = new SignalingClient(WebSocket);
  const [config] = await Promise.all([fetchServerConfig(), signaling.connect(signalingUrl(location))]);
  const linkOrigin = config.publicUrl ?? location.origin;
  return { signaling, links: simplePeerLinks(), iceServers: config.iceServers, linkOrigin };
}
