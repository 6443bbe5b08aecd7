import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseShareLink } from '../../src/transport/index.ts';
import { cleanupAfterEach, killedAfter } from '../support/cleanups.ts';
import { type FerryProcess, startCommand, startFerry } from '../support/ferry-process.ts';
import { freePort } from '../support/free-port.ts';
import { corpusSharer, eventBody } from '../support/node-peers.ts';

/**
 * docs/deploy.md's quickest path: `ferry serve` on one machine, `ssh -R` puts it on a port of another,
 * and `ferry receive --signal http://127.0.0.1:<that port>` pairs through the tunnel. The SSH server is
 * a real sshd of the test's own (temporary key, config and port on loopback), the client real OpenSSH.
 */
const defer = cleanupAfterEach();
const started = (process: FerryProcess) => killedAfter(defer, process);

/** An sshd on 127.0.0.1:<port> that admits root with a throwaway key; returns that key's path. */
async function startSshd(dir: string, port: number): Promise<string> {
  const key = join(dir, 'id_ed25519');
  const hostKey = join(dir, 'host_ed25519');
  for (const file of [key, hostKey]) {
    execFileSync('/usr/bin/ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
  }
  copyFileSync(`${key}.pub`, join(dir, 'authorized_keys'));
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `ListenAddress 127.0.0.1:${port}`,
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'PermitRootLogin prohibit-password',
      'AllowTcpForwarding yes',
      '',
    ].join('\n'),
  );
  // sshd's privilege separation needs this directory; systemd would make it, nothing does here.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const sshd = started(startCommand('/usr/sbin/sshd', ['-D', '-e', '-f', config]));
  await sshd.waitForErrLine((line) => line.includes('Server listening on'));
  return key;
}

/** `ferry serve --port 0` as a real process; resolves with its origin and port. */
async function startServe(): Promise<{ origin: string; port: string }> {
  const serve = started(startFerry(['serve', '--port', '0']));
  const line = await serve.waitForLine((l) => l.startsWith('Ferry is running at '), 40_000);
  const origin = line.slice('Ferry is running at '.length);
  return { origin, port: new URL(origin).port };
}

/**
 * The ssh command of docs/deploy.md (`ssh -N -R|-L <port>:127.0.0.1:<ferry port> user@vm`) with a throwaway
 * key and no known_hosts to write; resolves once Ferry answers /healthz through the forward.
 */
async function forward(direction: '-R' | '-L', ferryPort: string, tunnelPort: number, sshd: Sshd) {
  const ssh = started(
    startCommand('/usr/bin/ssh', [
      '-N',
      direction,
      `${tunnelPort}:127.0.0.1:${ferryPort}`,
      ...['-o', 'ExitOnForwardFailure=yes', '-o', 'StrictHostKeyChecking=no'],
      ...['-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes'],
      ...['-i', sshd.key, '-p', String(sshd.port), 'root@127.0.0.1'],
    ]),
  );
  const tunnel = `http://127.0.0.1:${tunnelPort}`;
  // ssh -N prints nothing once the forward is up; the port answering is the sign.
  await expect
    .poll(
      async () => {
        if (ssh.child.exitCode !== null) throw new Error(`ssh exited:\n${ssh.stderr.join('\n')}`);
        return (await fetch(`${tunnel}/healthz`).catch(() => undefined))?.status;
      },
      { timeout: 20_000, interval: 200 },
    )
    .toBe(200);
  return tunnel;
}

interface Sshd {
  key: string;
  port: number;
}

async function sshd(): Promise<Sshd> {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-ssh-'));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  return { key: await startSshd(dir, port), port };
}

/**
 * `ferry receive --signal <receiverUrl>` waits; a corpus sharer signalling through `sharerUrl` joins it;
 * 200 reports arrive byte-exact; Ctrl-C exits 0.
 */
async function pairThrough(receiverUrl: string, sharerUrl: string): Promise<void> {
  const receive = started(startFerry(['receive', '--signal', receiverUrl, '--stats', '60']));
  const link = await receive.waitForLine((l) => l.includes('/r/'), 30_000);
  expect(link.startsWith(`${receiverUrl}/r/`)).toBe(true);
  const parsed = parseShareLink(link);
  const { sharer, play, expected } = await corpusSharer(sharerUrl, {
    auth: { link: parsed.secret },
    name: 'laptop',
  });
  defer(() => sharer.close());
  await sharer.join({ sessionId: parsed.sessionId });
  await receive.waitForLine((l) => l.startsWith('I: '));
  expect(receive.stdout).toContain('N: Sony PLAYSTATION(R)3 Controller (DualShock 3)');
  play();
  const events = () => receive.stdout.filter((l) => l.startsWith('E: '));
  await expect.poll(() => events().length, { timeout: 15_000 }).toBe(200);
  expect(events().map(eventBody)).toEqual(expected);
  receive.child.kill('SIGINT');
  expect(await receive.exited).toBe(0);
}

describe('ferry through an ssh tunnel (docs/deploy.md, quickest path)', () => {
  it('-R: serves /healthz and /config.json through the tunnel, and ferry receive pairs through it byte-exact', async () => {
    const server = await sshd();
    const serve = await startServe();
    const tunnel = await forward('-R', serve.port, await freePort(), server);
    const config = await fetch(`${tunnel}/config.json`);
    expect(config.status).toBe(200);
    expect(await config.json()).toHaveProperty('iceServers');
    // The receiver (on the VM) signals through the tunnel only; the sharer talks to ferry serve directly.
    await pairThrough(tunnel, serve.origin);
  });

  it('-L, server on the VM: the sharer signals through the forwarded port, ferry receive directly', async () => {
    const server = await sshd();
    const serve = await startServe();
    const tunnel = await forward('-L', serve.port, await freePort(), server);
    await pairThrough(serve.origin, tunnel);
  });
});
