/**
 * A receiver's `admit` screen over real signaling and WebRTC: a refused HID device never becomes a
 * RemoteDevice, the sharer hears why (DeviceRefused), shows it, and stops sending that device's input
 * to that receiver; a refused USB device passes to the next receiver that can take it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createFerryServer, type FerryServer } from '../../../signaling/index.ts';
import { WebHidSource } from '../../../src/devices/index.ts';
import { SimulatedUsbDevice, WebUsbSource } from '../../../src/devices/usb/index.ts';
import { decodeFrame } from '../../../src/protocol/index.ts';
import {
  type DeviceOffer,
  type LinkFactory,
  ReceiverSession,
  type RemoteDevice,
  type RemoteUsbDevice,
  SharerSession,
} from '../../../src/transport/index.ts';
import { connectSignaling, nodeLinks, simulatedCorpusDevice } from '../../support/node-peers.ts';

const SECRET = 'R'.repeat(22);
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startServer(): Promise<FerryServer> {
  const server = await createFerryServer({ port: 0 });
  cleanups.push(() => server.close());
  return server;
}

/** Node links that also note the type and device of every frame arriving (the pipeline is '': raw frames). */
function recordingLinks(seen: Array<{ type: string; device: number }>): LinkFactory {
  return (options) => {
    const link = nodeLinks(options);
    return {
      get state() {
        return link.state;
      },
      get bufferedAmount() {
        return link.bufferedAmount;
      },
      send: (message, channel) => link.send(message, channel),
      onOpen: (listener) => link.onOpen(listener),
      onMessage: (listener) =>
        link.onMessage((message, channel) => {
          const frame = decodeFrame(message);
          seen.push({ type: frame.type, device: 'device' in frame ? frame.device : -1 });
          listener(message, channel);
        }),
      onClose: (listener) => link.onClose(listener),
      close: () => link.close(),
      signal: (data) => link.signal(data),
      onSignal: (listener) => link.onSignal(listener),
      fingerprints: () => link.fingerprints(),
    };
  };
}

async function sharer(server: FerryServer): Promise<{ session: SharerSession; sessionId: string }> {
  const session = new SharerSession({
    signaling: await connectSignaling(server.url),
    links: nodeLinks,
    iceServers: [],
    name: 'desk',
    auth: { link: SECRET },
    pipeline: '',
    approval: 'anyone',
  });
  cleanups.push(() => session.close());
  const { sessionId } = await session.host();
  return { session, sessionId };
}

async function receiver(
  server: FerryServer,
  name: string,
  admit: ((offer: DeviceOffer) => string | undefined) | undefined,
  links: LinkFactory = nodeLinks,
): Promise<ReceiverSession> {
  const session = new ReceiverSession({
    signaling: await connectSignaling(server.url),
    links,
    iceServers: [],
    name,
    auth: { link: SECRET },
    acceptUsb: true,
    admit,
  });
  cleanups.push(() => session.close());
  return session;
}

const refuseKeyboards = (offer: DeviceOffer) =>
  offer.kind === 'hid' && offer.announcement.collections.some((c) => c.usagePage === 1 && c.usage === 6)
    ? 'no keyboards here'
    : undefined;

describe('a receiver refusing offered devices', () => {
  it('HID: the refused device reaches no listener, and the sharer stops sending it', {
    timeout: 30_000,
  }, async () => {
    const server = await startServer();
    const { session: share, sessionId } = await sharer(server);
    const mouse = simulatedCorpusDevice('3dconnexion-spacenavigator-usb').device;
    const keyboard = simulatedCorpusDevice('cherry-keyboard-usb').device;
    for (const device of [mouse, keyboard]) {
      await device.open();
      share.addDevice(await WebHidSource.open(device as unknown as HIDDevice, new EventTarget() as HID));
    }
    const wire: Array<{ type: string; device: number }> = [];
    const picky = await receiver(server, 'picky', refuseKeyboards, recordingLinks(wire));
    const devices: RemoteDevice[] = [];
    const refused: string[] = [];
    picky.on('device', (device) => devices.push(device));
    picky.on('refused', ({ offer, reason }) => refused.push(`${offer.index} ${reason}`));
    await picky.join({ sessionId });

    await expect
      .poll(() => share.status().peers[0]?.refused, { timeout: 20_000 })
      .toEqual([{ device: 1, productName: keyboard.productName, reason: 'no keyboards here' }]);
    expect(devices.map((device) => device.announcement.productName)).toEqual([mouse.productName]);
    expect(refused).toEqual(['1 no keyboards here']);

    const inputs: number[][] = [];
    devices[0]!.onInput((_id, data) => inputs.push([...data]));
    for (let i = 0; i < 3; i++) keyboard.emitInput(0, new Uint8Array(8).fill(i + 4));
    mouse.emitInput(1, Uint8Array.of(1, 0, 2, 0, 3, 0));
    await expect.poll(() => inputs).toEqual([[1, 0, 2, 0, 3, 0]]);
    // The link is ordered: had the keyboard's reports been sent, they would have arrived first.
    expect(wire.filter((frame) => frame.type === 'input')).toEqual([{ type: 'input', device: 0 }]);
  });

  it('USB: a refusing receiver lets go, the next that can take it gets it', { timeout: 30_000 }, async () => {
    const server = await startServer();
    const { session: share, sessionId } = await sharer(server);
    const source = await WebUsbSource.open(new SimulatedUsbDevice());
    cleanups.push(() => source.close());
    share.addUsbDevice(source);

    const picky = await receiver(server, 'picky', (offer) => (offer.kind === 'usb' ? 'no USB' : undefined));
    const pickyGot: RemoteUsbDevice[] = [];
    picky.on('usb-device', (device) => pickyGot.push(device));
    await picky.join({ sessionId });
    await expect
      .poll(() => share.status().peers[0]?.refused.map((entry) => entry.productName), {
        timeout: 20_000,
      })
      .toEqual(['Gadget Zero']);
    expect(share.status().usbDevices).toEqual([{ device: 0, holder: undefined }]);

    const taker = await receiver(server, 'taker', undefined);
    const taken = new Promise<RemoteUsbDevice>((resolve) => taker.on('usb-device', resolve));
    await taker.join({ sessionId });
    const remote = await taken;
    expect(
      (await remote.controlTransfer({ requestType: 0x80, request: 6, value: 0x100, index: 0, length: 18 }))
        .status,
    ).toBe('ok');
    const takerId = share.status().peers.find((peer) => peer.name === 'taker')?.peerId;
    expect(share.status().usbDevices).toEqual([{ device: 0, holder: takerId }]);
    expect(pickyGot).toEqual([]);
  });
});
