/**
 * docs/deploy.md "Several nodes on Redis", as written there: two real `ferry serve --redis` processes on
 * one real redis-server (the test's own). A sharer signalling through node A pairs with a `ferry receive`
 * waiting on node B, byte-exact; then node A is killed, and node B still pairs new sessions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseShareLink } from '../../src/transport/index.ts';
import { cleanupAfterEach, killedAfter } from '../support/cleanups.ts';
import { type FerryProcess, startFerry } from '../support/ferry-process.ts';
import { corpusSharer, eventBody } from '../support/node-peers.ts';
import { type RedisServer, startRedis } from '../support/redis-server.ts';

const defer = cleanupAfterEach();
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

/** `ferry serve --port 0 --redis …` as a real process; resolves with it and the origin it prints. */
async function startNode(): Promise<{ node: FerryProcess; origin: string }> {
  const node = killedAfter(defer, startFerry(['serve', '--port', '0', '--redis', redis.url]));
  const line = await node.waitForLine((l) => l.startsWith('Ferry is running at '), 40_000);
  return { node, origin: line.slice('Ferry is running at '.length) };
}

/** `ferry receive --signal <origin>` waiting for a sharer, and the /r/ link it printed. */
async function waitingReceiver(origin: string) {
  const receive = killedAfter(defer, startFerry(['receive', '--signal', origin, '--stats', '60']));
  const link = await receive.waitForLine((l) => l.includes('/r/'), 30_000);
  return { receive, parsed: parseShareLink(link) };
}

/** A corpus sharer on `origin` joins the waiting receiver; resolves once 200 reports arrived byte-exact. */
async function shareTo(origin: string, receive: FerryProcess, parsed: ReturnType<typeof parseShareLink>) {
  const { sharer, play, expected } = await corpusSharer(origin, { auth: { link: parsed.secret } });
  defer(() => sharer.close());
  await sharer.join({ sessionId: parsed.sessionId });
  await receive.waitForLine((l) => l.startsWith('I: '));
  play();
  await receivedExactly(receive, expected);
  return { play, expected };
}

async function receivedExactly(receive: FerryProcess, expected: string[]): Promise<void> {
  const events = () => receive.stdout.filter((l) => l.startsWith('E: '));
  await expect.poll(() => events().length, { timeout: 15_000 }).toBe(expected.length);
  expect(events().map(eventBody)).toEqual(expected);
}

describe('two ferry serve processes on one Redis (docs/deploy.md)', () => {
  it('pairs a sharer on node A with a receiver on node B; with node A killed, node B still pairs', async () => {
    const a = await startNode();
    const b = await startNode();
    expect(a.origin).not.toBe(b.origin);

    const first = await waitingReceiver(b.origin);
    const across = await shareTo(a.origin, first.receive, first.parsed);

    a.node.child.kill('SIGKILL');
    await a.node.exited;
    const second = await waitingReceiver(b.origin);
    await shareTo(b.origin, second.receive, second.parsed);

    // The first pair's reports never went through a node: its link outlives node A.
    across.play();
    await receivedExactly(first.receive, [...across.expected, ...across.expected]);
  });
});
