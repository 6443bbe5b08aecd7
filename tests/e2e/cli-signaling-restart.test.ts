/**
 * Issue 13, "re-joining the signaling server if it restarted", for `ferry receive`: the real `ferry serve`
 * process is killed and started again on its port mid-share. `ferry receive --keep` reconnects and resumes
 * its session there (the restarted server knew nothing of it), so a sharer that comes back afterwards finds
 * the session, and the receiver takes the device back as the same device. And the server frozen
 * (SIGSTOP) for longer than the signaling heartbeat allows, then thawed: its sockets stay open but say
 * nothing, and `ferry receive` notices by itself, reconnects and resumes (docs/signaling.md, "Heartbeat").
 */
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, killedAfter } from '../support/cleanups.ts';
import { type FerryProcess, startFerry, startFerryReceive } from '../support/ferry-process.ts';
import { type NodeSharerProcess, sessionOf, startNodeSharer } from '../support/node-sharer.ts';

const MOUSE = 'genius-gila-mouse-if0';
const defer = cleanupAfterEach();

async function serve(port = '0'): Promise<{ process: FerryProcess; origin: string }> {
  const process = killedAfter(defer, startFerry(['serve', '--port', port]));
  const line = await process.waitForLine((l) => l.startsWith('Ferry is running at '), 40_000);
  return { process, origin: line.slice('Ferry is running at '.length) };
}

function sharer(origin: string, join?: { sessionId: string; secret: string }): NodeSharerProcess {
  const process = startNodeSharer(origin, { device: MOUSE, holdMs: 20, join });
  defer(() => process.child.kill('SIGKILL'));
  return process;
}

const inputs = (ferry: FerryProcess) => ferry.stdout.filter((line) => line.startsWith('E: ')).length;

async function stderrMatching(ferry: FerryProcess, pattern: RegExp, timeout = 30_000): Promise<void> {
  await expect.poll(() => ferry.stderr.join('\n'), { timeout }).toMatch(pattern);
}

describe('ferry receive when the signaling server restarts', () => {
  it('resumes its session on the restarted server; a sharer coming back then finds it and the device is kept', async () => {
    const first = await serve();
    const firstSharer = sharer(first.origin);
    const link = await firstSharer.link;
    const ferry = killedAfter(defer, startFerryReceive([link, '--keep', '--stats', '1']));
    await expect.poll(() => inputs(ferry), { timeout: 20_000 }).toBeGreaterThan(5);

    first.process.child.kill('SIGKILL');
    await first.process.exited;
    await serve(new URL(first.origin).port);

    // The data channel never needed the server: reports go on while it is down and after.
    const during = inputs(ferry);
    await expect.poll(() => inputs(ferry), { timeout: 20_000 }).toBeGreaterThan(during + 5);

    // Give ferry receive's backoff time to resume, then make the sharer go and another come back.
    const exited = new Promise((done) => firstSharer.child.once('exit', done));
    firstSharer.child.kill('SIGKILL');
    await exited;
    await stderrMatching(ferry, /link down/);
    const before = inputs(ferry);
    await expect
      .poll(
        async () => {
          const next = sharer(first.origin, sessionOf(link));
          return next.link.then(
            () => true,
            () => false,
          );
        },
        { timeout: 30_000, interval: 2_000 },
      )
      .toBe(true);
    await stderrMatching(ferry, /resumed .*\(0458:0138\): the same device, kept on this machine/);
    await expect.poll(() => inputs(ferry), { timeout: 20_000 }).toBeGreaterThan(before + 5);
    expect(ferry.stdout.filter((line) => line.startsWith('I: '))).toHaveLength(1);
    ferry.child.kill('SIGINT');
    expect(await ferry.exited).toBe(0);
  });

  it('notices a server that went silent (SIGSTOP past the heartbeat), reconnects once it answers, and resumes', async () => {
    const server = await serve();
    const firstSharer = sharer(server.origin);
    const ferry = killedAfter(defer, startFerryReceive([await firstSharer.link, '--stats', '1']));
    await expect.poll(() => inputs(ferry), { timeout: 20_000 }).toBeGreaterThan(5);
    server.process.child.kill('SIGSTOP');
    defer(() => server.process.child.kill('SIGCONT'));
    // Three 10 s heartbeat intervals and a second without a word: the socket counts as dead.
    await stderrMatching(
      ferry,
      /signaling server is out of reach \(.*no word from the server in \d+ s\)/,
      60_000,
    );
    server.process.child.kill('SIGCONT');
    await stderrMatching(ferry, /back on the signaling server: the session is resumed/, 60_000);
    // The data channel never needed the server.
    const after = inputs(ferry);
    await expect.poll(() => inputs(ferry), { timeout: 20_000 }).toBeGreaterThan(after + 5);
    expect(ferry.stderr.join('\n')).not.toMatch(/link down|ended/);
    ferry.child.kill('SIGINT');
    expect(await ferry.exited).toBe(0);
  }, 150_000);
});
