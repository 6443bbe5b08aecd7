/**
 * The server's TURN flags (`ferry serve`, the real process): --turn-url with the secret from
 * FERRY_TURN_SECRET (so it need not be on a command line) or --turn-secret, and --turn-ttl; a missing
 * secret or a lifetime over 24 h is refused at startup with a plain message.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

function serve(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['src/cli/bin.js', 'serve', '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, FERRY_TURN_SECRET: '', ...env },
  });
  running.push(child);
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const url = new Promise<string>((done) =>
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /running at (http:\/\/\S+)/.exec(line);
      if (match?.[1]) done(match[1]);
    }),
  );
  return { exited, url, stderr };
}

describe('ferry server TURN flags', () => {
  it('mints credentials with the secret from FERRY_TURN_SECRET and the lifetime from --turn-ttl', async () => {
    const server = serve(['--turn-url', 'turn:turn.example.org:3478', '--turn-ttl', '600'], {
      FERRY_TURN_SECRET: 'from-the-environment',
    });
    const config = await (await fetch(`${await server.url}/config.json`)).json();
    const turn = config.iceServers.find((entry: RTCIceServer) => entry.username !== undefined);
    expect(config.ttlSeconds).toBe(600);
    expect(turn.urls).toEqual(['turn:turn.example.org:3478']);
    const expected = createHmac('sha1', 'from-the-environment').update(turn.username).digest('base64');
    expect(turn.credential).toBe(expected);
  });

  it('refuses --turn-url without a secret', async () => {
    const server = serve(['--turn-url', 'turn:turn.example.org']);
    expect(await server.exited).toBe(1);
    expect(server.stderr.join('\n')).toMatch(/--turn-secret or FERRY_TURN_SECRET/);
  });

  it('takes only STUN servers with --ice: a TURN server goes through --turn-url', async () => {
    const server = serve(['--ice', 'turn:turn.example.org:3478']);
    expect(await server.exited).not.toBe(0);
    expect(server.stderr.join('\n')).toMatch(
      /expected stun:host\[:port\]; give a TURN server with --turn-url/,
    );
  });

  it('refuses a credential lifetime over 24 h', async () => {
    const server = serve([
      '--turn-url',
      'turn:turn.example.org',
      '--turn-secret',
      's',
      '--turn-ttl',
      '90000',
    ]);
    expect(await server.exited).toBe(1);
    expect(server.stderr.join('\n')).toMatch(/at most 24 h/);
  });
});

describe('ferry receive --ice', () => {
  it('is a usage error naming the problem, before anything connects', async () => {
    const child = spawn(process.execPath, ['src/cli/bin.js', 'receive', '--ice', 'turn:turn.example.org'], {
      cwd: ROOT,
    });
    running.push(child);
    const stderr: string[] = [];
    createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
    const code = await new Promise<number | null>((done) => child.once('exit', (exit) => done(exit)));
    expect(code).not.toBe(0);
    expect(stderr.join('\n')).toMatch(
      /a TURN server needs credentials: turn:USER:PASSWORD@turn\.example\.org/,
    );
  });
});
