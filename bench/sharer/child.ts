/**
 * A synthetic sharer in Node for the scale runs (Chromium cannot pace 100 devices × 1000 Hz on two cores):
 * Ferry's real SharerSession over @roamhq/wrtc, with N SimulatedHidDevices behind real WebHidSources,
 * so reports are stamped at the same place as in the page.
 */
import wrtc from '@roamhq/wrtc';
import WebSocket from 'ws';
import { SimulatedHidDevice, WebHidSource } from '../../src/devices/index.ts';
import { collectionsFromDescriptor } from '../../src/hid/index.ts';
import type { CollectionBody } from '../../src/protocol/index.ts';
import {
  SharerSession,
  SignalingClient,
  simplePeerLinks,
  type WebSocketConstructor,
} from '../../src/transport/index.ts';
import { vendorDescriptor } from '../device.ts';
import { serve } from '../ipc.ts';

let devices: SimulatedHidDevice[] = [];
let ready: Promise<void> = Promise.resolve();
let sharer: SharerSession | undefined;

async function host(signalUrl: string, secret: string, count: number): Promise<string> {
  const signaling = new SignalingClient(WebSocket as unknown as WebSocketConstructor);
  await signaling.connect(signalUrl);
  const session = new SharerSession({
    signaling,
    links: simplePeerLinks(wrtc),
    iceServers: [],
    name: 'bench-node',
    auth: { link: secret },
    approval: 'anyone',
  });
  sharer = session;
  ready = new Promise((done) => session.on('receiver', () => done()));
  const collections = collectionsFromDescriptor(vendorDescriptor(64)) as unknown as CollectionBody[];
  devices = [];
  for (let i = 0; i < count; i++) {
    const device = new SimulatedHidDevice({
      vendorId: 0x1209,
      productId: i,
      productName: `sim ${i}`,
      collections,
    });
    await device.open();
    session.addDevice(await WebHidSource.open(device as unknown as HIDDevice, new EventTarget()));
    devices.push(device);
  }
  return (await session.host()).sessionId;
}

/** Every millisecond, each device emits the reports due since the last tick (setInterval(1) in Node). */
function run(rateHz: number, durationMs: number): Promise<number> {
  const report = new Uint8Array(64).fill(0xa5);
  const total = Math.floor((durationMs * rateHz) / 1000);
  const started = performance.now();
  let next = 0;
  return new Promise((done) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) * rateHz) / 1000));
      for (; next < due; next++) for (const device of devices) device.emitInput(0, report);
      if (next >= total) {
        clearInterval(timer);
        done(total * devices.length);
      }
    }, 1);
  });
}

serve({
  host: ({ signalUrl, secret, devices: count }: { signalUrl: string; secret: string; devices: number }) =>
    host(signalUrl, secret, count),
  ready: () => ready,
  run: ({ rateHz, durationMs }: { rateHz: number; durationMs: number }) => run(rateHz, durationMs),
  close: () => sharer?.close(),
});
