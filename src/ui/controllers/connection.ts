/** What both controllers need to reach a peer: a connected signaling client, a link factory, ICE servers. */
import { SignalingClient, simplePeerLinks } from '../../transport/index.ts';
import { fetchIceServers, signalingUrl } from '../lib/environment.ts';

export interface PeerConnectionKit {
  signaling: SignalingClient;
  links: ReturnType<typeof simplePeerLinks>;
  iceServers: RTCIceServer[];
}

export async function connectToServer(): Promise<PeerConnectionKit> {
  const signaling = new SignalingClient(WebSocket);
  const [iceServers] = await Promise.all([fetchIceServers(), signaling.connect(signalingUrl(location))]);
  return { signaling, links: simplePeerLinks(), iceServers };
}
