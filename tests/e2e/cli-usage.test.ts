/**
 * The `ferry` command as a user meets it, through the real process: its version, its help, what it says
 * (one clear line, never a stack trace) when the link is malformed or the server is down, what it says
 * while it waits, and its exit codes (README "Running the headless receiver", docs/receiver.md).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createFerryServer, type FerryServer } from '../../signaling/index.ts';
import { type FerryProcess, startFerry, startFerryReceive } from '../support/ferry-process.ts';
import { startNodeSharer } from '../support/node-sharer.ts';

const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function ferry(args: string[]): FerryProcess {
  const process = startFerry(args);
  cleanups.push(() => process.child.kill('SIGKILL'));
  return process;
}

async function server(): Promise<FerryServer> {
  const started = await createFerryServer({ port: 0 });
  cleanups.push(() => started.close());
  return started;
}

/** A localhost port nothing listens on: bound once by us, then closed. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as { port: number };
  await new Promise((done) => probe.close(done));
  return port;
}

/** What the process wrote to stderr, once it has exited with `code`. */
async function exitsWith(process: FerryProcess, code: number): Promise<string[]> {
  expect(await process.exited).toBe(code);
  return process.stderr;
}

const STACK_FRAME = /^\s+at /;

describe('ferry, the command', () => {
  it('--version and -V print the version of package.json', async () => {
    for (const flag of ['--version', '-V']) {
      const process = ferry([flag]);
      expect(await process.exited).toBe(0);
      expect(process.stdout).toEqual([VERSION]);
    }
  });

  it('--help shows examples and exit codes, and each default once', async () => {
    for (const args of [['--help'], ['receive', '--help']]) {
      const process = ferry(args);
      expect(await process.exited).toBe(0);
      const help = process.stdout.join('\n');
      expect(help).toMatch(/Examples:\n(.*\n)*\s+ferry receive 482913-amber-falcon/);
      expect(help).toMatch(
        /Exit codes:\n(.*\n)*\s+0 .*\n(.*\n)*\s+1 .*\n(.*\n)*\s+2 .*\n(.*\n)*\s+3 .*\n(.*\n)*\s+4 .*\n(.*\n)*\s+5 .*\n.*--grace/,
      );
      expect(help).not.toMatch(/\(default: [^)]*\)\s*\(default:/);
      expect(help).not.toMatch(/\(default: (\[\]|false)\)/);
    }
  });

  it('a malformed link or code is one line on stderr and exit code 2, with no stack trace', async () => {
    const cases: Array<[string, RegExp]> = [
      ['http://localhost:8080/s/not-a-session#x', /^ferry: this link does not name a Ferry session$/],
      [`http://localhost:8080/s/${'A'.repeat(22)}`, /^ferry: this link is missing its secret/],
      ['7-amber-flacon', /^ferry: "flacon" is not a code word; check the spelling$/],
    ];
    for (const [target, message] of cases) {
      const stderr = await exitsWith(ferry(['receive', target]), 2);
      expect(stderr).toHaveLength(1);
      expect(stderr[0]).toMatch(message);
      expect(stderr.some((line) => STACK_FRAME.test(line))).toBe(false);
    }
  });

  it('an unknown option is a usage error (exit code 2)', async () => {
    const stderr = await exitsWith(ferry(['receive', '--no-such-flag']), 2);
    expect(stderr.join('\n')).toMatch(/unknown option '--no-such-flag'/);
  });

  it('an unreachable signaling server: "cannot reach the signaling server at URL: reason", exit code 1', async () => {
    const port = await closedPort();
    for (const args of [
      ['--signal', `http://127.0.0.1:${port}`],
      [`http://127.0.0.1:${port}/s/${'A'.repeat(22)}#${'B'.repeat(22)}`],
    ]) {
      const stderr = await exitsWith(ferry(['receive', ...args]), 1);
      expect(stderr).toEqual([
        `ferry: cannot reach the signaling server at ws://127.0.0.1:${port}/signal: connect ECONNREFUSED 127.0.0.1:${port}`,
      ]);
    }
  });

  it('while waiting it says "waiting for the sharer…" once, not a stats line per interval', async () => {
    const { url } = await server();
    const process = ferry(['receive', '--signal', url, '--stats', '1']);
    await process.waitForErrLine((line) => line === 'ferry: waiting for the sharer…');
    // Three stats intervals pass with nobody there.
    await new Promise((done) => setTimeout(done, 3_500));
    expect(process.stderr.filter((line) => line.includes('waiting for the sharer'))).toHaveLength(1);
    expect(process.stderr.filter((line) => line.includes('device(s)'))).toEqual([]);
    process.child.kill('SIGINT');
    expect(await process.exited).toBe(0);
  });

  it('a sharer that vanishes after pairing and does not come back within --grace: exit code 5, "gone"', async () => {
    const { url } = await server();
    const sharer = startNodeSharer(url);
    cleanups.push(() => sharer.child.kill('SIGKILL'));
    const receive = startFerryReceive([await sharer.link, '--stats', '60', '--grace', '1']);
    cleanups.push(() => receive.child.kill('SIGKILL'));
    await receive.waitForLine((line) => line.startsWith('I: '));
    sharer.child.kill('SIGKILL'); // no goodbye: its sockets just stop
    const stderr = await exitsWith(receive, 5);
    expect(stderr.filter((line) => /^ferry: gone: /.test(line))).toHaveLength(1);
    expect(stderr.join('\n')).not.toMatch(/pairing failed/);
  });
});
