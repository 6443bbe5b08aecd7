/**
 * Issue 10 item 5 for `ferry receive` (a real process): joining a session whose sharer has gone, it says
 * so at once instead of waiting silently, and pairs when a sharer comes back to the same session.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createFerryServer, type FerryServer } from '../../signaling/index.ts';
import { WebHidSource } from '../../src/devices/index.ts';
import { type ChannelAuth, SharerSession } from '../../src/transport/index.ts';
import { type FerryProcess, startFerryReceive } from '../support/ferry-process.ts';
import { connectSignaling, nodeLinks, simulatedCorpusDevice } from '../support/node-peers.ts';

const SECRET = 'S'.repeat(22);
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(): Promise<FerryServer> {
  const started = await createFerryServer({ port: 0 });
  cleanups.push(() => started.close());
  return started;
}

function receiveProcess(args: string[]): FerryProcess {
  const ferry = startFerryReceive(args);
  cleanups.push(() => ferry.child.kill('SIGKILL'));
  return ferry;
}

async function nodeSharer(url: string, auth: ChannelAuth): Promise<SharerSession> {
  const sharer = new SharerSession({
    signaling: await connectSignaling(url),
    links: nodeLinks,
    iceServers: [],
    name: 'desk',
    auth,
    approval: 'anyone',
  });
  cleanups.push(() => sharer.close());
  const { device } = simulatedCorpusDevice('sony-dualshock3-usb');
  await device.open();
  sharer.addDevice(await WebHidSource.open(device as unknown as HIDDevice, new EventTarget()));
  return sharer;
}

async function stderrMatching(ferry: FerryProcess, pattern: RegExp): Promise<string> {
  await expect.poll(() => ferry.stderr.join('\n'), { timeout: 15_000 }).toMatch(pattern);
  return ferry.stderr.find((line) => pattern.test(line)) ?? '';
}

describe('ferry receive when the sharer has gone', () => {
  it('says nobody is sharing, keeps waiting, and pairs when the sharer comes back to the session', async () => {
    const { url } = await server();
    const gone = await nodeSharer(url, { link: SECRET });
    const { sessionId } = await gone.host();
    gone.close(); // the sharer's tab closes; its session stays for a while, with nobody in it

    const ferry = receiveProcess([`${url}/s/${sessionId}#${SECRET}`, '--pair-timeout', '60']);
    const notice = await stderrMatching(ferry, /nobody is sharing/i);
    expect(notice).toMatch(/waiting/i);
    expect(ferry.stdout).toEqual([]);

    const back = await nodeSharer(url, { link: SECRET });
    await back.join({ sessionId });
    await ferry.waitForLine((line) => line.startsWith('I: '));
    expect(ferry.stdout).toContain('I: 3 054c 0268');
    back.close();
    expect(await ferry.exited).toBe(0);
  });
});
