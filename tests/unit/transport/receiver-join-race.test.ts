/**
 * Node's `ws` emits every message of one socket read in the same tick, with no microtask between them, so
 * the sharer's offer can arrive before the code awaiting the `joined` reply has run. The receiver must
 * still take that offer: found as an intermittent stall of `ferry receive` (the sharer's page "connecting…"
 * for ever, the receiver "waiting for the sharer…") in tests/e2e/two-nats.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { LinkFactory, SignaledLink } from '../../../src/transport/index.ts';
import { ReceiverSession, SignalingClient, type WebSocketConstructor } from '../../../src/transport/index.ts';
import type { WebSocketLike } from '../../../src/transport/signaling-client.ts';

const SESSION_ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const SHARER = { peerId: 'sharer1', role: 'sharer', name: 'desk' } as const;
const OFFER = { type: 'offer', sdp: 'v=0' };

/** A server's socket that answers a join with `joined` and, in the same tick, the sharer's offer. */
class BurstSocket implements WebSocketLike {
  readyState = 0;
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;

  constructor(_url: string) {
    setTimeout(() => {
      this.readyState = 1;
      this.onopen?.({});
    });
  }

  send(data: string): void {
    const message = JSON.parse(data) as { type: string };
    if (message.type !== 'join') return;
    setTimeout(() => {
      const joined = { type: 'joined', sessionId: SESSION_ID, peerId: 'me', peers: [SHARER] };
      this.onmessage?.({ data: JSON.stringify(joined) });
      this.onmessage?.({ data: JSON.stringify({ type: 'signal', from: SHARER.peerId, data: OFFER }) });
    });
  }

  close(): void {
    this.readyState = 3;
  }
}

/** A link that only records the signals it is fed. */
function recordingLinks(fed: object[]): LinkFactory {
  return () =>
    ({
      state: 'connecting',
      bufferedAmount: 0,
      send: () => undefined,
      onOpen: () => undefined,
      onMessage: () => undefined,
      onClose: () => undefined,
      close: () => undefined,
      signal: (data: object) => fed.push(data),
      onSignal: () => undefined,
      fingerprints: () => undefined,
    }) satisfies SignaledLink;
}

describe('a receiver joining a session', () => {
  it('takes the sharer offer that arrives in the same tick as the join reply', async () => {
    const signaling = new SignalingClient(BurstSocket as unknown as WebSocketConstructor);
    await signaling.connect('ws://test/signal');
    const fed: object[] = [];
    const session = new ReceiverSession({
      signaling,
      links: recordingLinks(fed),
      iceServers: [],
      name: 'receiver',
      auth: { link: 'secret' },
    });
    const sharer = await session.join({ sessionId: SESSION_ID });
    expect(sharer).toEqual(SHARER);
    await new Promise((done) => setTimeout(done, 10));
    expect(fed).toEqual([OFFER]);
    session.close();
  });
});
