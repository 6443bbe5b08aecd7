/**
 * The bench's impairment wire (bench/impair/): real namespaces, real TAP devices, real UDP between two
 * processes. It must deliver everything in order without loss, drop as configured (and count exactly
 * what it dropped), drop everything during an outage, and leave nothing behind. Counts and order only:
 * tests never assert timings.
 */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createImpairedNet,
  type ImpairedNet,
  RECEIVER_ADDRESS,
  type WireStats,
} from '../../bench/impair/netns.ts';

const PORT = 47_001;

/** Prints the u32 in each datagram it gets, one per line. */
const LISTENER = `
const socket = require('node:dgram').createSocket('udp4');
socket.on('message', (m) => console.log(m.readUInt32LE(0)));
socket.bind(${PORT}, '${RECEIVER_ADDRESS}', () => console.log('listening'));`;

/** Sends datagrams 0 … n−1 (64 bytes each), one every millisecond, then exits. */
const sender = (first: number, count: number) => `
const socket = require('node:dgram').createSocket('udp4');
let i = 0;
const timer = setInterval(() => {
  const m = Buffer.alloc(64); m.writeUInt32LE(${first} + i);
  socket.send(m, ${PORT}, '${RECEIVER_ADDRESS}');
  if (++i === ${count}) { clearInterval(timer); setTimeout(() => process.exit(0), 50); }
}, 1);`;

function inNs(ns: string, script: string): ChildProcessWithoutNullStreams {
  return spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', script]);
}

let net: ImpairedNet;
let listener: ChildProcessWithoutNullStreams;
const received: number[] = [];

async function send(first: number, count: number): Promise<void> {
  const child = inNs(net.sharerNs, sender(first, count));
  await new Promise((done) => child.once('exit', done));
}

/** Waits until the listener has printed `last` or nothing new came for a while (the wire is delayed). */
async function settle(last: number): Promise<void> {
  let seen = -1;
  for (let quiet = 0; quiet < 10 && !received.includes(last); ) {
    await new Promise((done) => setTimeout(done, 100));
    if (received.length === seen) quiet++;
    else quiet = 0;
    seen = received.length;
  }
}

const between = (from: WireStats, to: WireStats) => ({
  lost: to['a-b'].lost - from['a-b'].lost,
  outage: to['a-b'].outage - from['a-b'].outage,
});

describe('the impairment wire', () => {
  beforeAll(async () => {
    net = await createImpairedNet();
    listener = inNs(net.receiverNs, LISTENER);
    const lines = createInterface({ input: listener.stdout });
    await new Promise<void>((ready) =>
      lines.on('line', (line) => {
        if (line === 'listening') ready();
        else received.push(Number(line));
      }),
    );
  });

  afterAll(async () => {
    listener?.kill();
    await net?.close();
  });

  it('delivers every datagram, in order, when there is no loss', async () => {
    await net.set(20, 0);
    received.length = 0;
    await send(0, 200);
    await settle(199);
    expect(received).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('drops at the configured rate, counts exactly what it dropped, and keeps the order', async () => {
    await net.set(5, 0.3, 42);
    received.length = 0;
    const before = await net.stats();
    await send(1000, 300);
    await settle(1299);
    const { lost } = between(before, await net.stats());
    expect(received.length).toBeGreaterThan(0);
    expect(received.length).toBeLessThan(300);
    expect(lost).toBe(300 - received.length);
    expect([...received].sort((a, b) => a - b)).toEqual(received);
  });

  it('drops everything during an outage, and delivers again after it', async () => {
    await net.set(5, 0);
    received.length = 0;
    const before = await net.stats();
    await net.outage(60_000);
    await send(2000, 50);
    await settle(2049);
    expect(received).toEqual([]);
    expect(between(before, await net.stats()).outage).toBe(50);
    await net.outage(0);
    await send(3000, 50);
    await settle(3049);
    expect(received).toEqual(Array.from({ length: 50 }, (_, i) => 3000 + i));
  });

  it('removes its namespaces when closed', async () => {
    const other = await createImpairedNet();
    const names = [other.sharerNs, other.receiverNs];
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).toContain(names[0]);
    await other.close();
    const listed = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    for (const name of names) expect(listed).not.toContain(name);
  });
});
