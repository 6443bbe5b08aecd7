/**
 * The real `ferry serve` inside the impaired net's receiver namespace, on RECEIVER_ADDRESS: the
 * signaling server sits on the receiver's side of the wire, so an outage cuts only the sharer off
 * (bench/outage.ts, tests/e2e/outage-wire.test.ts).
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FerryProcess, startCommand } from '../../tests/support/ferry-process.ts';
import { type ImpairedNet, RECEIVER_ADDRESS } from './netns.ts';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/cli/bin.js');

/** Starts it and resolves once it listens (killing it if it never does); the caller kills `server` when done. */
export async function serveInReceiverNs(
  net: ImpairedNet,
  port: number,
): Promise<{ server: FerryProcess; url: string }> {
  const server = startCommand('ip', [
    ...['netns', 'exec', net.receiverNs, process.execPath, BIN, 'serve'],
    ...['--host', RECEIVER_ADDRESS, '--port', String(port)],
  ]);
  try {
    await server.waitForLine((line) => line.startsWith('Ferry is running'));
  } catch (error) {
    server.child.kill('SIGKILL');
    throw error;
  }
  return { server, url: `http://${RECEIVER_ADDRESS}:${port}` };
}
