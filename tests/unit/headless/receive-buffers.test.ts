import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { socketDescriptors, udpSockets } from '../../../src/headless/index.ts';
import { enlargeUdpReceiveBuffers, RECEIVE_BUFFER_BYTES } from '../../../src/headless/receive-buffers.ts';
import type { LinkChannel, SignaledLink } from '../../../src/transport/index.ts';
import { collectMessages, linkPairsClosedAfterEach, openLinkPair } from '../../support/link-pair.ts';

/** This process's UDP descriptors and the receive buffer `ss` reports for each (`skmem:(…,rb<bytes>,…)`). */
function receiveBuffers(): Map<number, number> {
  const sockets = udpSockets();
  const mine = socketDescriptors('self').filter(({ inode }) => sockets.has(inode));
  const report = execFileSync('ss', ['-uamp'], { encoding: 'utf8' });
  const buffers = new Map<number, number>();
  for (const { fd } of mine) {
    const entry = new RegExp(`pid=${process.pid},fd=${fd}\\)[^\\n]*\\n\\s*skmem:\\([^)]*\\brb(\\d+)`).exec(
      report,
    );
    if (entry) buffers.set(fd, Number(entry[1]));
  }
  return buffers;
}

/** The index each of the first `count` messages on `channel` carries in its first two bytes. */
async function indices(link: SignaledLink, channel: LinkChannel, count: number): Promise<number[]> {
  const messages = await collectMessages(link, count, channel);
  return messages.map((message) => message[0]! | (message[1]! << 8));
}

describe("a Node link's sockets get larger receive buffers when it opens", () => {
  const openPair = linkPairsClosedAfterEach();

  it('sets every UDP socket of the process to the asked size, as far as net.core.rmem_max allows', async () => {
    await openPair();
    const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
    const buffers = receiveBuffers();
    expect(buffers.size).toBeGreaterThan(0);
    // The kernel doubles what it is asked (its bookkeeping), after capping it at rmem_max.
    for (const size of buffers.values()) expect(size).toBe(2 * Math.min(RECEIVE_BUFFER_BYTES, rmemMax));
  });

  it('leaves wrtc the only reader: every message still arrives, on both channels', async () => {
    const [offerer, answerer] = await openPair();
    const count = 400;
    const reliable = indices(answerer, 'reliable', count);
    const unreliable = indices(offerer, 'unreliable', count);
    for (let i = 0; i < count; i++) {
      const message = Uint8Array.of(i & 0xff, i >> 8, ...new Uint8Array(500));
      offerer.send(message, 'reliable');
      answerer.send(message, 'unreliable');
      if (i % 20 === 19) await new Promise((tick) => setTimeout(tick, 2));
    }
    const all = Array.from({ length: count }, (_, i) => i);
    expect(await reliable).toEqual(all);
    expect((await unreliable).sort((a, b) => a - b)).toEqual(all);
  });

  it("leaves the process's own dgram sockets working", async () => {
    const own = dgram.createSocket('udp4');
    await new Promise<void>((bound) => own.bind(0, '127.0.0.1', bound));
    await openPair();
    const received = new Promise<string>((done) => own.once('message', (data) => done(data.toString())));
    own.send('still mine', own.address().port, '127.0.0.1');
    expect(await received).toBe('still mine');
    own.close();
  });

  it('never throws while links open and close under it (wrtc closes its sockets on its own thread)', async () => {
    const failures: unknown[] = [];
    const poll = setInterval(() => {
      try {
        enlargeUdpReceiveBuffers();
      } catch (error) {
        failures.push(error);
      }
    }, 1);
    for (let round = 0; round < 4; round++) {
      const pair = await openLinkPair();
      for (const link of pair) link.close();
    }
    clearInterval(poll);
    expect(failures).toEqual([]);
  });
});
