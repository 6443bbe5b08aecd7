/**
 * `ferry receive --record FILE` as a real process: the file holds the hid-recorder header (R: the
 * rebuilt descriptor, N:, I:) and one E: line per report, byte-exact, while stdout keeps its own log.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import wrtc from '@roamhq/wrtc';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createFerryServer } from '../../signaling/index.ts';
import { SimulatedHidDevice, WebHidSource } from '../../src/devices/index.ts';
import { collectionsFromDescriptor, usesReportIds } from '../../src/hid/index.ts';
import type { CollectionBody } from '../../src/protocol/index.ts';
import {
  SharerSession,
  SignalingClient,
  simplePeerLinks,
  type WebSocketConstructor,
} from '../../src/transport/index.ts';
import { loadCorpusDevice } from '../support/corpus.ts';
import { type FerryProcess, startFerryReceive } from '../support/ferry-process.ts';

const SECRET = 'A'.repeat(22);
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function receiveProcess(args: string[]): FerryProcess {
  const ferry = startFerryReceive(args);
  cleanups.push(() => ferry.child.kill('SIGKILL'));
  return ferry;
}

function scratchFile(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-record-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, name);
}

const hexBytes = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');

/** A Node sharer with the corpus DualShock 3 and the first 200 recorded reports to play. */
async function shareDualShock() {
  const server = await createFerryServer({ port: 0 });
  cleanups.push(() => server.close());
  const corpus = loadCorpusDevice('sony-dualshock3-usb');
  const collections = collectionsFromDescriptor(corpus.descriptor);
  const device = new SimulatedHidDevice({
    vendorId: corpus.vendorId,
    productId: corpus.productId,
    productName: corpus.name,
    collections: collections as unknown as CollectionBody[],
  });
  await device.open();
  const signaling = new SignalingClient(WebSocket as unknown as WebSocketConstructor);
  await signaling.connect(`ws://localhost:${server.port}/signal`);
  const sharer = new SharerSession({
    signaling,
    links: simplePeerLinks(wrtc),
    iceServers: [],
    name: 'desk',
    auth: { link: SECRET },
    approval: 'anyone',
  });
  cleanups.push(() => sharer.close());
  sharer.addDevice(await WebHidSource.open(device as unknown as HIDDevice, new EventTarget()));
  const { sessionId } = await sharer.host();
  const reports = corpus.recording.slice(0, 200).map((r) => r.report);
  const numbered = usesReportIds(collections);
  const play = () => {
    for (const report of reports) {
      if (numbered) device.emitInput(report[0]!, report.subarray(1));
      else device.emitInput(0, report);
    }
  };
  const expected = reports.map((r) => `${r.length} ${hexBytes(r)}`);
  return { link: `http://localhost:${server.port}/s/${sessionId}#${SECRET}`, sharer, play, expected };
}

const eventBody = (line: string) => line.replace(/^E: \d{6}\.\d{6} /, '');

describe('ferry receive --record', () => {
  it('writes the descriptor and every report byte-exact to the file, stdout keeps its log', async () => {
    const { link, sharer, play, expected } = await shareDualShock();
    const file = scratchFile('dualshock.hid');
    const ferry = receiveProcess([link, '--record', file]);
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
    const ferry = receiveProcess(['7-amber-falcon', '--record', '/nonexistent/dir/out.hid']);
    expect(await ferry.exited).toBe(1);
    expect(ferry.stderr.join('\n')).toMatch(/cannot write the recording to \/nonexistent\/dir\/out\.hid/);
  });
});
