import { afterEach } from 'vitest';
import { nodeLinks } from '../../src/headless/index.ts';
import type { LinkChannel, SignaledLink } from '../../src/transport/index.ts';

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

/** The first `count` messages `link` receives on `channel`, in the order they arrive. */
export function collectMessages(
  link: SignaledLink,
  count: number,
  channel: LinkChannel = 'reliable',
): Promise<Uint8Array[]> {
  const received: Uint8Array[] = [];
  return new Promise((done) =>
    link.onMessage((message, on) => {
      if (on !== channel) return;
      received.push(message);
      if (received.length === count) done(received);
    }),
  );
}

/** openLinkPair for one describe block: every pair it opens is closed after each test. */
export function linkPairsClosedAfterEach(): () => Promise<[SignaledLink, SignaledLink]> {
  const open: SignaledLink[] = [];
  afterEach(() => {
    for (const link of open.splice(0)) link.close();
  });
  return async () => {
    const pair = await openLinkPair();
    open.push(...pair);
    return pair;
  };
}
