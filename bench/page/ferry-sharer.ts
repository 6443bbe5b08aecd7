import { WebHidSource } from '../../src/devices/index.ts';
import {
  SharerSession,
  SignalingClient,
  simplePeerLinks,
  type WebSocketConstructor,
} from '../../src/transport/index.ts';

/**
 * Ferry's real sharer in the page: SignalingClient + SharerSession + WebHidSource over the fake device.
 * `pipeline` undefined runs the session's default. `ready` resolves with the pipeline agreed with the
 * receiver, so a row can show what it actually measured.
 */
export async function hostFerry(
  devices: readonly HIDDevice[],
  signalUrl: string,
  secret: string,
  pipeline: string | undefined,
): Promise<{ sessionId: string; ready: Promise<string>; close: () => void; dropped: () => number }> {
  const signaling = new SignalingClient(WebSocket as unknown as WebSocketConstructor);
  await signaling.connect(signalUrl);
  const sharer = new SharerSession({
    signaling,
    links: simplePeerLinks(),
    iceServers: [],
    name: 'bench',
    auth: { link: secret },
    approval: 'anyone',
    ...(pipeline === undefined ? {} : { pipeline }),
  });
  const ready = new Promise<string>((done) => sharer.on('receiver', (peer) => done(peer.pipeline ?? '')));
  for (const device of devices) sharer.addDevice(await WebHidSource.open(device, navigator.hid));
  const { sessionId } = await sharer.host();
  return { sessionId, ready, close: () => sharer.close(), dropped: () => sharer.status().droppedAtSender };
}
