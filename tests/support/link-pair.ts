import { nodeLinks } from '../../src/headless/index.ts';
import type { SignaledLink } from '../../src/transport/index.ts';

/** Two links of the headless peers (SimplePeerLink over kept wrtc), signaled to each other directly, open. */
export async function openLinkPair(): Promise<[SignaledLink, SignaledLink]> {
  const offerer = nodeLinks({ initiator: true, iceServers: [] });
  const answerer = nodeLinks({ initiator: false, iceServers: [] });
  offerer.onSignal((data) => answerer.signal(data));
  answerer.onSignal((data) => offerer.signal(data));
  const open = (link: SignaledLink) => new Promise<void>((resolve) => link.onOpen(resolve));
  await Promise.all([open(offerer), open(answerer)]);
  return [offerer, answerer];
}
