import { describe, expect, it } from 'vitest';
import type { SignaledLink } from '../../../src/transport/link.ts';
import { collectMessages, linkPairsClosedAfterEach } from '../../support/link-pair.ts';

/** simple-peer's data channel, which the link keeps private: the test speaks on it directly. */
function rawChannel(link: SignaledLink): RTCDataChannel {
  return (link as unknown as { peer: { _channel: RTCDataChannel } }).peer._channel;
}

describe('SimplePeerLink takes the data channel messages itself', () => {
  const openPair = linkPairsClosedAfterEach();

  it('hands out each message as a plain Uint8Array over its own buffer, in order', async () => {
    const [offerer, answerer] = await openPair();
    const arriving = collectMessages(answerer, 50);
    for (let i = 0; i < 50; i++) offerer.send(Uint8Array.from({ length: 100 + i }, (_, j) => (i + j) & 0xff));
    const received = await arriving;
    received.forEach((message, i) => {
      expect(Object.getPrototypeOf(message)).toBe(Uint8Array.prototype); // not simple-peer's Buffer
      expect(message.byteOffset).toBe(0);
      expect(message.buffer.byteLength).toBe(100 + i);
      expect([...message]).toEqual(Array.from({ length: 100 + i }, (_, j) => (i + j) & 0xff));
    });
  });

  it('ignores text messages and goes on delivering the binary ones after them', async () => {
    const [offerer, answerer] = await openPair();
    const arriving = collectMessages(answerer, 2);
    offerer.send(Uint8Array.of(1));
    rawChannel(offerer).send('not a frame');
    offerer.send(Uint8Array.of(2));
    expect((await arriving).map((message) => [...message])).toEqual([[1], [2]]);
  });
});
