/**
 * `ferry receive --record FILE` as a real process: the file holds the hid-recorder header (R: the
 * rebuilt descriptor, N:, I:) and one E: line per report, byte-exact, while stdout keeps its own log.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFerryServer } from '../../signaling/index.ts';
import { cleanupAfterEach, killedAfter } from '../support/cleanups.ts';
import { startFerryReceive } from '../support/ferry-process.ts';
import { corpusSharer, eventBody } from '../support/node-peers.ts';

const SECRET = 'A'.repeat(22);
const defer = cleanupAfterEach();

function scratchFile(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-record-'));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, name);
}

/** A Node sharer with the corpus DualShock 3 and the first 200 recorded reports to play. */
async function shareDualShock() {
  const server = await createFerryServer({ port: 0 });
  defer(() => server.close());
  const shared = await corpusSharer(server.url, { auth: { link: SECRET } });
  defer(() => shared.sharer.close());
  const { sessionId } = await shared.sharer.host();
  return { ...shared, link: `${server.url}/s/${sessionId}#${SECRET}` };
}

describe('ferry receive --record', () => {
  it('writes the descriptor and every report byte-exact to the file, stdout keeps its log', async () => {
    const { link, sharer, play, expected } = await shareDualShock();
    const file = scratchFile('dualshock.hid');
    const ferry = killedAfter(defer, startFerryReceive([link, '--record', file]));
    await ferry.waitForLine((line) => line.startsWith('I: '));
    play();
    await expect
      .poll(() => ferry.stdout.filter((l) => l.startsWith('E: ')).length, { timeout: 15_000 })
      .toBe(200);
    sharer.close();
    expect(await ferry.exited).toBe(0);

    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const descriptor = ferry.stdout.find((line) => line.startsWith('R: '));
    expect(descriptor).toMatch(/^R: \d+ [0-9a-f]{2}/);
    expect(lines.filter((line) => line.startsWith('R: '))).toEqual([descriptor]);
    expect(lines).toContain('N: Sony PLAYSTATION(R)3 Controller (DualShock 3)');
    expect(lines).toContain('I: 3 054c 0268');
    const events = lines.filter((line) => line.startsWith('E: '));
    expect(events.every((line) => /^E: \d{6}\.\d{6} /.test(line))).toBe(true);
    expect(events.map(eventBody)).toEqual(expected);
  });

  it('fails before pairing, with the reason, when the file cannot be written', async () => {
    const ferry = killedAfter(
      defer,
      startFerryReceive(['7-amber-falcon', '--record', '/nonexistent/dir/out.hid']),
    );
    expect(await ferry.exited).toBe(1);
    expect(ferry.stderr.join('\n')).toMatch(/cannot write the recording to \/nonexistent\/dir\/out\.hid/);
  });
});
