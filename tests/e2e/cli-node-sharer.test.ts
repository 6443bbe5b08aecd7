import { describe, expect, it } from 'vitest';
import { createFerryServer, type FerryServer } from '../../signaling/index.ts';
import { type ChannelAuth, parseShareLink } from '../../src/transport/index.ts';
import { cleanupAfterEach, killedAfter } from '../support/cleanups.ts';
import { type FerryProcess, startFerryReceive } from '../support/ferry-process.ts';
import { corpusSharer, eventBody, recorderLine } from '../support/node-peers.ts';

/**
 * `ferry receive` as a real process against a sharer session running in Node (the browser sharer is
 * covered by the Chromium tests): the printed hid-recorder lines must be exactly the bytes sent.
 */
const defer = cleanupAfterEach();

async function server(): Promise<FerryServer> {
  const started = await createFerryServer({ port: 0 });
  defer(() => started.close());
  return started;
}

const receiveProcess = (args: string[]): FerryProcess => killedAfter(defer, startFerryReceive(args));

async function sharerWith(url: string, auth: ChannelAuth) {
  const shared = await corpusSharer(url, { auth });
  defer(() => shared.sharer.close());
  return shared;
}

describe('ferry receive (a real process)', () => {
  it('sharer first: joins by link and prints exactly the reports sent, then exits 0 when the sharer closes', async () => {
    const { url } = await server();
    const { sharer, play, expected } = await sharerWith(url, { link: 'A'.repeat(22) });
    const { sessionId } = await sharer.host();
    const ferry = receiveProcess([`${url}/s/${sessionId}#${'A'.repeat(22)}`, '--stats', '1']);
    // The header ends with the I: line; wait for it so the whole header is there.
    await ferry.waitForLine((line) => line.startsWith('I: '));
    expect(ferry.stdout).toContain('N: Sony PLAYSTATION(R)3 Controller (DualShock 3)');
    expect(ferry.stdout).toContain('I: 3 054c 0268');
    play();
    await expect
      .poll(() => ferry.stdout.filter((l) => l.startsWith('E: ')).length, { timeout: 15_000 })
      .toBe(200);
    expect(ferry.stdout.filter((l) => l.startsWith('E: ')).map(eventBody)).toEqual(expected);
    sharer.close();
    expect(await ferry.exited).toBe(0);
    expect(ferry.stderr.join('\n')).toMatch(/200 reports/);
    expect(ferry.stderr.join('\n')).toMatch(/ended: /);
    // The sharer admits anyone with the link, with full access; the receiver says what it was granted.
    expect(ferry.stderr).toContain('ferry: waiting for the sharer to approve…');
    expect(ferry.stderr.join('\n')).toMatch(/ferry: granted full: everything/);
  });

  it('receiver first: prints a /r/ link first, a sharer joins it, --json lines carry the reports, Ctrl-C exits 0', async () => {
    const { url } = await server();
    const ferry = receiveProcess(['--signal', url, '--json', '--name', 'ci-box']);
    const link = await ferry.waitForLine(() => true);
    expect(ferry.stdout[0]).toBe(link);
    const parsed = parseShareLink(link);
    expect(parsed.createdBy).toBe('receiver');
    const { sharer, play, expected } = await sharerWith(url, { link: parsed.secret });
    const peers = await sharer.join({ sessionId: parsed.sessionId });
    expect(peers.map((p) => p.name)).toEqual(['ci-box']);
    const device = JSON.parse(await ferry.waitForLine((line) => line.includes('"device"')));
    expect(device).toMatchObject({
      type: 'device',
      vendorId: 0x054c,
      productId: 0x0268,
      usesReportIds: true,
    });
    play();
    const inputs = () =>
      ferry.stdout.filter((line) => line.includes('"input"')).map((line) => JSON.parse(line));
    await expect.poll(() => inputs().length, { timeout: 15_000 }).toBe(200);
    const asRecorder = inputs().map(({ reportId, data }) => {
      const bytes = [reportId, ...(data.match(/../g) ?? []).map((h: string) => Number.parseInt(h, 16))];
      return recorderLine(Uint8Array.from(bytes));
    });
    expect(asRecorder).toEqual(expected);
    ferry.child.kill('SIGINT');
    expect(await ferry.exited).toBe(0);
  });

  it('fails with a reason and a non-zero exit for an unknown session', async () => {
    const { url } = await server();
    const ferry = receiveProcess([`${url}/s/${'B'.repeat(22)}#${'A'.repeat(22)}`]);
    expect(await ferry.exited).toBe(1);
    // One line: not an "ended:" line and a "pairing failed:" line saying the same thing twice.
    expect(ferry.stderr).toHaveLength(1);
    expect(ferry.stderr[0]).toMatch(/^ferry: pairing failed: .*session/i);
  });

  it('fails with a reason when the secret is wrong', async () => {
    const { url } = await server();
    const { sharer } = await sharerWith(url, { link: 'A'.repeat(22) });
    const { sessionId } = await sharer.host();
    const ferry = receiveProcess([`${url}/s/${sessionId}#${'C'.repeat(22)}`]);
    expect(await ferry.exited).toBe(1);
    expect(ferry.stderr).toEqual([
      'ferry: waiting for the sharer…',
      "ferry: pairing failed: this link's secret is wrong — ask for the link again",
    ]);
  });
});
