/**
 * A sharer in a process of its own (run by tests/support/node-sharer.ts), so that a test can make it
 * vanish with SIGKILL, which an in-process sharer cannot do. It shares a simulated corpus device
 * (default the DualShock 3), prints its link on stdout and then one line `receiver <name>` per receiver
 * that is approved.
 *
 *   node-sharer-main.ts <server url> [--device NAME] [--ids VID:PID] [--session ID --secret SECRET]
 *                       [--hold MS] [--stamp MS] [--backlog N]
 *
 * --ids presents the device under other ids (a VM test keeps special kernel drivers off it).
 * With --session and --secret it joins that session (a sharer coming back) instead of hosting one.
 * With --hold it plays, every MS milliseconds and in a loop, the recorded reports in which a button is
 * down: a person holding a button while moving (a recording without one, like the DualShock 3's, plays
 * whole). With --stamp it sends, every MS milliseconds, the first such report with its send time in X
 * and Y (tests/support/stamped-motion.ts), for a test that sees only raw reports. With --backlog it first sends N reports stamped a
 * second in the past (queued behind an outage), once a receiver is approved.
 *
 * On stdin, `swap NAME` replaces the shared device with a new simulated corpus device NAME
 * (SharerSession.replaceDevice: the sharer unplugged it and plugged in that one); the sharer answers
 * `swapped <channel>` on stdout. A --hold loop goes on with the new device's recorded reports.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { type HidSource, WebHidSource } from '../../src/devices/index.ts';
import { decodeReport, parseReportDescriptor } from '../../src/hid/index.ts';
import { buildShareLink, createShareSecret, SharerSession } from '../../src/transport/index.ts';
import type { CorpusDevice } from './corpus.ts';
import { connectResumingSignaling, nodeLinks, simulatedCorpusDevice } from './node-peers.ts';
import { stampedReport } from './stamped-motion.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    device: { type: 'string', default: 'sony-dualshock3-usb' },
    session: { type: 'string' },
    secret: { type: 'string' },
    hold: { type: 'string' },
    stamp: { type: 'string' },
    backlog: { type: 'string' },
    ids: { type: 'string' },
  },
});
const serverUrl = positionals[0];
if (!serverUrl) throw new Error('usage: node-sharer-main.ts <server url> [options]');
const secret = values.secret ?? createShareSecret();
let { corpus, device } = simulatedCorpusDevice(values.device, idsOf(values.ids));
await device.open();
const sharer = new SharerSession({
  // Like `ferry share` and the share page: a dropped signaling socket is reconnected and resumed.
  signaling: await connectResumingSignaling(serverUrl),
  links: nodeLinks,
  iceServers: [],
  name: 'vanishing desk',
  auth: { link: secret },
  approval: 'anyone',
});
let source = await WebHidSource.open(device as unknown as HIDDevice, new EventTarget());
const backlog = Number(values.backlog ?? 0);
let channel = sharer.addDevice(backlog > 0 ? withBacklog(source, corpus, backlog) : source);
createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, name] = line.trim().split(/\s+/);
  if (command === 'swap' && name) void swapTo(name);
});
sharer.on('receiver', (peer) => process.stdout.write(`receiver ${peer.name}\n`));
let sessionId = values.session;
if (sessionId === undefined) ({ sessionId } = await sharer.host());
else await sharer.join({ sessionId });
process.stdout.write(`${buildShareLink(serverUrl, sessionId, secret)}\n`);
if (values.hold !== undefined) hold(Number(values.hold));
if (values.stamp !== undefined) stamp(Number(values.stamp));

/** The person unplugs the shared device and plugs in `name`: the sharer swaps one for the other. */
async function swapTo(name: string): Promise<void> {
  const next = simulatedCorpusDevice(name, idsOf(values.ids));
  await next.device.open();
  const nextSource = await WebHidSource.open(next.device as unknown as HIDDevice, new EventTarget());
  const old = source;
  ({ corpus, device } = next);
  source = nextSource;
  channel = sharer.replaceDevice(channel, nextSource);
  await old.close();
  process.stdout.write(`swapped ${channel}\n`);
}

function idsOf(ids: string | undefined): { vendorId: number; productId: number } | undefined {
  const [vendorId, productId] = (ids ?? '').split(':').map((hex) => Number.parseInt(hex, 16));
  return vendorId === undefined || productId === undefined || Number.isNaN(vendorId + productId)
    ? undefined
    : { vendorId, productId };
}

/** Reports of the recording with a button down, `[reportId, data]`, played in a loop. */
function hold(everyMs: number): void {
  let next = 0;
  let played = corpus;
  let pressed = heldReports(corpus);
  setInterval(() => {
    if (played !== corpus) [played, pressed] = [corpus, heldReports(corpus)];
    const [reportId, data] = pressed[next++ % pressed.length]!;
    device.emitInput(reportId, data);
  }, everyMs);
}

/** A button held down while the mouse moves by its own send time (stamped-motion.ts), in a loop. */
function stamp(everyMs: number): void {
  const model = parseReportDescriptor(corpus.descriptor);
  const [reportId, pressed] = buttonReports(corpus)[0]!;
  setInterval(() => {
    const now = performance.timeOrigin + performance.now();
    device.emitInput(reportId, stampedReport(model, reportId, pressed, now));
  }, everyMs);
}

/** The reports with a button down; a recording that has none (a pad left alone) plays whole. */
function heldReports(corpus: CorpusDevice): Array<[number, Uint8Array]> {
  try {
    return buttonReports(corpus);
  } catch {
    return corpus.recording.map(({ report }) => splitReport(corpus, report));
  }
}

function splitReport(corpus: CorpusDevice, report: Uint8Array): [number, Uint8Array] {
  const usesIds = parseReportDescriptor(corpus.descriptor).usesReportIds;
  return usesIds ? [report[0]!, report.subarray(1)] : [0, report];
}

function buttonReports(corpus: CorpusDevice): Array<[number, Uint8Array]> {
  const model = parseReportDescriptor(corpus.descriptor);
  const split = (report: Uint8Array): [number, Uint8Array] =>
    model.usesReportIds ? [report[0]!, report.subarray(1)] : [0, report];
  const pressed = corpus.recording
    .map(({ report }) => split(report))
    .filter(([reportId, data]) =>
      decodeReport(model, 'input', reportId, data).fields.some(
        (field) => field.usages.some((usage) => usage >>> 16 === 0x09) && field.values.some((v) => v !== 0),
      ),
    );
  if (pressed.length === 0) throw new Error(`${corpus.name}: no recorded report has a button down`);
  return pressed;
}

/** The source, but the first input listener (the session's, once a receiver is in) first gets a backlog. */
function withBacklog(source: HidSource, corpus: CorpusDevice, count: number): HidSource {
  const [reportId, data] = buttonReports(corpus)[0]!;
  return {
    vendorId: source.vendorId,
    productId: source.productId,
    productName: source.productName,
    collections: source.collections,
    onInput: (listener) => {
      sharer.on('receiver', () => {
        const stale = performance.timeOrigin + performance.now() - 1000;
        for (let i = 0; i < count; i++) listener(reportId, data, stale);
      });
      return source.onInput(listener);
    },
    onDisconnect: (listener) => source.onDisconnect(listener),
    sendReport: (id, bytes) => source.sendReport(id, bytes),
    sendFeatureReport: (id, bytes) => source.sendFeatureReport(id, bytes),
    receiveFeatureReport: (id) => source.receiveFeatureReport(id),
    close: () => source.close(),
  };
}
