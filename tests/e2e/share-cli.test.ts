/**
 * `ferry share --replay FILE` through the real processes: a corpus recording, written as the
 * hid-recorder file it came from, played to a real `ferry receive` — joining the receiver's link or
 * code, or printing its own link and asking on the terminal — arrives byte-exact and in order, with
 * the recording's own R: descriptor; `--loop` plays it again; a bad file is one line and exit code 2.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFerryServer } from '../../signaling/index.ts';
import type { Recording } from '../../src/devices/recording/index.ts';
import { CODE_WORDS } from '../../src/transport/index.ts';
import { cleanupAfterEach, killedAfter } from '../support/cleanups.ts';
import { writeCorpusRecording } from '../support/corpus-recording.ts';
import { type FerryProcess, startFerry } from '../support/ferry-process.ts';
import { eventBody, recorderLine } from '../support/node-peers.ts';
import { TestSocket } from '../unit/sinks/usb-test-socket.ts';
import {
  getDescriptorSetup,
  importDevice,
  readRetSubmit,
  submitRequest,
} from '../unit/sinks/usbip-test-client.ts';

const defer = cleanupAfterEach();
const ferry = (args: string[]): FerryProcess => killedAfter(defer, startFerry(args));

function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-share-'));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function server(): Promise<string> {
  const started = await createFerryServer({ port: 0 });
  defer(() => started.close());
  return `http://localhost:${started.port}`;
}

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
const eventsOf = (lines: readonly string[]) => lines.filter((l) => l.startsWith('E: ')).map(eventBody);
const expectedEvents = (recording: Recording) => recording.events.map((e) => recorderLine(e.bytes));
const descriptorLine = (recording: Recording) =>
  `R: ${recording.descriptor.length} ${hex(recording.descriptor)}`;

/** A `ferry receive` that made a session: its link (stdout's first line) and short code (stderr). */
async function waitingReceiver(origin: string, extra: string[] = []) {
  const receiver = ferry(['receive', '--signal', origin, ...extra]);
  const link = await receiver.waitForLine((line) => line.includes('/r/'));
  const codeLine = await receiver.waitForErrLine((line) => line.includes('type the code'));
  const code = /type the code (\S+)/.exec(codeLine)![1]!;
  return { receiver, link, code };
}

describe('ferry share --replay', () => {
  it("joins a waiting receiver's link: every report byte-exact, in order, with the recording's R: line", async () => {
    const origin = await server();
    const dir = scratchDir();
    const { path, recording } = writeCorpusRecording('sony-dualshock3-usb', dir, 200);
    const record = join(dir, 'received.hid');
    const { receiver, link } = await waitingReceiver(origin, ['--record', record]);

    const sharer = ferry(['share', '--replay', path, link, '--anyone']);
    expect(await sharer.exited).toBe(0);
    expect(await receiver.exited).toBe(0);

    expect(sharer.stderr).toContain('ferry: ended: the recording has played to its end');
    expect(receiver.stderr).toContain('ferry: ended: the sharer stopped sharing');
    expect(receiver.stdout.filter((l) => l.startsWith('R: '))).toEqual([descriptorLine(recording)]);
    expect(receiver.stdout).toContain(`N: ${recording.name}`);
    expect(receiver.stdout).toContain('I: 3 054c 0268');
    expect(eventsOf(receiver.stdout)).toEqual(expectedEvents(recording));
    const file = readFileSync(record, 'utf8').trimEnd().split('\n');
    expect(file.filter((l) => l.startsWith('R: '))).toEqual([descriptorLine(recording)]);
    expect(eventsOf(file)).toEqual(expectedEvents(recording));
  });

  it('joins by short code a device without report ids, --speed 10, its own --pipeline', async () => {
    const origin = await server();
    const { path, recording } = writeCorpusRecording('namtai-wbuzz-usb', scratchDir());
    const { receiver, code } = await waitingReceiver(origin);

    const sharer = ferry([
      'share',
      '--replay',
      path,
      code,
      '--signal',
      origin,
      '--speed',
      '10',
      '--anyone',
      '--pipeline',
      'bundle(1ms),deflate,encrypt',
    ]);
    expect(await sharer.exited).toBe(0);
    expect(await receiver.exited).toBe(0);
    expect(sharer.stderr.join('\n')).toMatch(
      /playing 42 reports of Namtai Wbuzz \(054c:1000\) \(14\.4 s at speed 10\)/,
    );
    expect(
      receiver.stderr.some((line) => /^ferry: pipeline bundle\(.*\),deflate\(.*\),encrypt\(.*\)$/.test(line)),
    ).toBe(true);
    expect(receiver.stdout.filter((l) => l.startsWith('R: '))).toEqual([descriptorLine(recording)]);
    expect(eventsOf(receiver.stdout)).toEqual(expectedEvents(recording));
  });

  it('without a link prints link, code and QR, and lets in the receiver the person approves', async () => {
    const origin = await server();
    const { path, recording } = writeCorpusRecording('sony-dualshock3-usb', scratchDir(), 100);
    const sharer = ferry(['share', '--replay', path, '--signal', origin]);
    const link = await sharer.waitForLine((line) => line.includes('/s/'));
    expect(sharer.stdout[0]).toBe(link);
    await sharer.waitForErrLine((line) => /or type the code \d+-[a-z]+-[a-z]+$/.test(line));
    await sharer.waitForErrLine((line) => /[▀▄█]/.test(line));

    const receiver = ferry(['receive', link, '--name', 'lab-box']);
    const asks = await sharer.waitForErrLine((line) => line.startsWith('ferry: lab-box asks to receive'));
    const words = /check words: (.+)$/.exec(asks)![1]!;
    await receiver.waitForErrLine(
      (line) => line === `ferry: verification: ${words} (the sharer's page shows the same words)`,
    );
    sharer.child.stdin.write('y\n');

    await receiver.waitForErrLine((line) => line.startsWith('ferry: granted input only'));
    expect(await sharer.exited).toBe(0);
    expect(await receiver.exited).toBe(0);
    expect(receiver.stdout.filter((l) => l.startsWith('R: '))).toEqual([descriptorLine(recording)]);
    expect(eventsOf(receiver.stdout)).toEqual(expectedEvents(recording));
  });

  it('a receiver the person does not approve is denied and gets nothing', async () => {
    const origin = await server();
    const { path } = writeCorpusRecording('sony-dualshock3-usb', scratchDir(), 10);
    const sharer = ferry(['share', '--replay', path, '--signal', origin]);
    const link = await sharer.waitForLine((line) => line.includes('/s/'));
    const receiver = ferry(['receive', link, '--name', 'stranger']);
    await sharer.waitForErrLine((line) => line.startsWith('ferry: stranger asks to receive'));
    sharer.child.stdin.write('n\n');
    expect(await receiver.exited).toBe(4);
    expect(receiver.stderr).toContain('ferry: ended: the sharer did not approve this receiver');
    expect(eventsOf(receiver.stdout)).toEqual([]);
    expect(sharer.stderr).toContain('ferry: denied stranger');
  });

  it("a USB/IP host reads the recording's own report descriptor from the receiver's exported device", async () => {
    const origin = await server();
    const { path, recording } = writeCorpusRecording('sony-dualshock3-usb', scratchDir(), 20);
    const { receiver, link } = await waitingReceiver(origin, ['--sink', 'usbip', '--usbip-port', '0']);
    ferry(['share', '--replay', path, link, '--anyone', '--loop']);
    const exported = await receiver.waitForErrLine((line) =>
      /usbip: exported 1-1 on 127\.0\.0\.1:\d+/.test(line),
    );
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(exported)![1]);

    const socket = await TestSocket.open(port);
    defer(() => socket.destroy());
    expect((await importDevice(socket, '1-1')).op.status).toBe(0);
    const getReport = getDescriptorSetup(0x22, 0, 1024, 1);
    socket.write(
      submitRequest({ seqnum: 1, direction: 1, ep: 0, transferBufferLength: 1024, setup: getReport }),
    );
    const reply = await readRetSubmit(socket);
    expect(reply.status).toBe(0);
    expect(reply.data).toEqual(recording.descriptor);
  });

  it('--loop plays the recording again after its end, until Ctrl-C', async () => {
    const origin = await server();
    const { path, recording } = writeCorpusRecording('sony-dualshock3-usb', scratchDir(), 20);
    const { receiver, link } = await waitingReceiver(origin);
    const sharer = ferry(['share', '--replay', path, link, '--anyone', '--loop', '--speed', '4']);

    const pass = expectedEvents(recording);
    await expect
      .poll(() => eventsOf(receiver.stdout).length, { timeout: 20_000 })
      .toBeGreaterThan(2 * pass.length);
    sharer.child.kill('SIGINT');
    expect(await sharer.exited).toBe(0);
    expect(await receiver.exited).toBe(0);
    const got = eventsOf(receiver.stdout);
    // Every report is the recording's, pass after pass, in order.
    expect(got).toEqual(got.map((_, i) => pass[i % pass.length]));
    expect(sharer.stderr).toContain('ferry: ended: interrupted');
  });

  it("the wrong words for a waiting receiver's code, or no server: one line and exit code 1", async () => {
    const origin = await server();
    const { path } = writeCorpusRecording('sony-dualshock3-usb', scratchDir(), 10);
    const { receiver, code } = await waitingReceiver(origin);
    const [nameplate, first] = code.split('-');
    const wrong = `${nameplate}-${first}-${CODE_WORDS.find((word) => !code.endsWith(`-${word}`))}`;
    const sharer = ferry(['share', '--replay', path, wrong, '--signal', origin, '--anyone']);
    expect(await sharer.exited).toBe(1);
    expect(sharer.stderr.at(-1)).toBe('ferry: pairing failed: this code is wrong — check it and try again');
    await receiver.waitForErrLine((line) => line === 'ferry: turned away a sharer with a wrong code');

    const probe = createServer();
    await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
    const { port } = probe.address() as { port: number };
    await new Promise((done) => probe.close(done));
    const offline = ferry(['share', '--replay', path, '--signal', `http://127.0.0.1:${port}`]);
    expect(await offline.exited).toBe(1);
    expect(offline.stderr).toEqual([
      `ferry: cannot reach the signaling server at ws://127.0.0.1:${port}/signal: connect ECONNREFUSED 127.0.0.1:${port}`,
    ]);
  });

  it('joining a receiver that never answers gives up after --pair-timeout: exit code 1', async () => {
    const origin = await server();
    const { path } = writeCorpusRecording('sony-dualshock3-usb', scratchDir(), 10);
    const { receiver, link } = await waitingReceiver(origin);
    receiver.child.kill('SIGSTOP'); // still in the session, but it will never answer the offer
    const sharer = ferry(['share', '--replay', path, link, '--anyone', '--pair-timeout', '1']);
    expect(await sharer.exited).toBe(1);
    expect(sharer.stderr.at(-1)).toBe('ferry: pairing failed: no receiver connected in time');
  });

  it('a malformed recording is one line naming the line, and exit code 2', async () => {
    const dir = scratchDir();
    const bad = join(dir, 'bad.hid');
    writeFileSync(bad, 'R: 2 05 01\nN: pad\nI: 3 054c 0268\nE: 000000.000000 2 01 zz\n');
    const cases: Array<[string[], RegExp]> = [
      [
        ['--replay', bad],
        /^ferry: .*bad\.hid is not a hid-recorder recording: line 4: "zz" is not a hex byte$/,
      ],
      [['--replay', join(dir, 'missing.hid')], /^ferry: cannot read the recording .*missing\.hid: ENOENT$/],
      [['--replay', bad, '7-amber-flacon'], /^ferry: "flacon" is not a code word; check the spelling$/],
      [
        ['--replay', bad, `http://localhost:8080/s/${'A'.repeat(22)}#${'B'.repeat(22)}`],
        /^ferry: this is a sharer's link \(\/s\/\)/,
      ],
      [[], /^ferry: name a device to share, .*, or a recording with --replay FILE$/],
      [['--replay', bad, '--speed', '0'], /^ferry: .*--speed.*expected a number above 0$/],
    ];
    for (const [args, message] of cases) {
      const process = ferry(['share', ...args]);
      expect(await process.exited).toBe(2);
      expect(process.stderr).toHaveLength(1);
      expect(process.stderr[0]).toMatch(message);
    }
  });

  it('--help lists the replay flags, examples and exit codes', async () => {
    const process = ferry(['share', '--help']);
    expect(await process.exited).toBe(0);
    const help = process.stdout.join('\n');
    for (const flag of ['--replay <file>', '--loop', '--speed <factor>', '--anyone', '--permission <level>'])
      expect(help).toContain(flag);
    expect(help).toMatch(/Examples:\n(.*\n)*\s+ferry share --replay pad\.hid/);
    expect(help).toMatch(/Exit codes:\n(.*\n)*\s+0 .*\n(.*\n)*\s+1 .*\n(.*\n)*\s+2 /);
  });
});
