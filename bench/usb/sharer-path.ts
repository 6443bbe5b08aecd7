/**
 * The sharer's bulk path without WebRTC, in one process: decoded OUT + IN request frames (16 KiB each,
 * 16 pairs at a time) → UsbSharerChannel → WebUsbSource → the simulated Gadget Zero's loopback →
 * completion frames. Prints process CPU per pair for 5 rounds of 20 000 pairs. Run it directly:
 *
 *   npx tsx bench/usb/sharer-path.ts
 *
 * A micro-benchmark of the JavaScript that the usb part's `cpu µs/pair` cannot isolate (there the
 * @roamhq/wrtc threads and the machine's load dominate); each request is encoded, copied and decoded
 * here too, as a stand-in for the link, so the figure is an upper bound on the path itself.
 */
import { GADGET_ZERO, SimulatedUsbDevice, WebUsbSource } from '../../src/devices/usb/index.ts';
import {
  decodeFrame,
  encodeUsbRequest,
  UsbEncodeBuffer,
  type UsbRequestMessage,
} from '../../src/protocol/index.ts';
import { UsbSharerChannel } from '../../src/transport/usb-sharer-channel.ts';

const BYTES = 16 * 1024;
const IN_FLIGHT = 16;
const PAIRS_PER_ROUND = 20_000;

const source = await WebUsbSource.open(new SimulatedUsbDevice(), { usb: new EventTarget() });
const loopback = { kind: 'select-configuration', requestId: 1, value: GADGET_ZERO.loopbackConfiguration };
if ((await source.handle(loopback as UsbRequestMessage)).status !== 'ok') throw new Error('no loopback');

let completions = 0;
let failures = 0;
let batchDone: () => void = () => undefined;
let wanted = 0;
const channel = new UsbSharerChannel(0, source, (frame) => {
  if (frame[2] !== 0) failures++; // status byte: 0 is ok
  if (++completions === wanted) batchDone();
});

const encoded = new UsbEncodeBuffer();
let nextId = 2;
/** A request as the session hands it over: decoded from a frame the link owns. */
function arriving(request: UsbRequestMessage) {
  const frame = decodeFrame(encodeUsbRequest(0, request, encoded).slice());
  if (frame.type !== 'usb') throw new Error('not a USB frame');
  return frame.message;
}

const data = Uint8Array.from({ length: BYTES }, (_, i) => i & 0xff);
const empty = new Uint8Array(0);
async function batch(): Promise<void> {
  completions = 0;
  wanted = 2 * IN_FLIGHT;
  const done = new Promise<void>((resolve) => {
    batchDone = resolve;
  });
  for (let i = 0; i < IN_FLIGHT; i++) {
    const out = { kind: 'transfer', requestId: nextId++, endpoint: GADGET_ZERO.bulkOut, length: BYTES, data };
    channel.receive(arriving(out as UsbRequestMessage));
    const into = {
      kind: 'transfer',
      requestId: nextId++,
      endpoint: GADGET_ZERO.bulkIn,
      length: BYTES,
      data: empty,
    };
    channel.receive(arriving(into as UsbRequestMessage));
  }
  await done;
}

const cpuUs = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
for (let i = 0; i < 200; i++) await batch(); // warm-up
const rounds: string[] = [];
for (let round = 0; round < 5; round++) {
  const before = cpuUs();
  for (let i = 0; i < PAIRS_PER_ROUND / IN_FLIGHT; i++) await batch();
  rounds.push(((cpuUs() - before) / PAIRS_PER_ROUND).toFixed(1));
}
console.log(`sharer bulk path: ${rounds.join(' ')} µs CPU per pair; ${failures} failed completions`);
await source.close();
