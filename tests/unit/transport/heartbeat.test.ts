/**
 * The link heartbeat (issue 13) between a real SharerSession and ReceiverSession over real signaling
 * and WebRTC (@roamhq/wrtc). The receiver's link can be muted: it stays up but hands nothing up, as a
 * dead network looks to the application before ICE says anything. With a sharer that sends heartbeats
 * the receiver reports a stall and then that the link answers again; with a sharer whose hello lacks
 * the capability (an older build, simulated by removing it from its hello) silence is no stall, and the
 * two still work together. No timing is asserted.
 */
import { describe, expect, it } from 'vitest';
import { createFerryServer, type FerryServer } from '../../../signaling/index.ts';
import { WebHidSource } from '../../../src/devices/index.ts';
import { decodeFrame, encodeHello, FrameType, HEARTBEAT_CAPABILITY } from '../../../src/protocol/index.ts';
import {
  type LinkFactory,
  ReceiverSession,
  type RemoteDevice,
  SharerSession,
  type SignaledLink,
} from '../../../src/transport/index.ts';
import { cleanupAfterEach } from '../../support/cleanups.ts';
import { connectSignaling, nodeLinks, simulatedCorpusDevice } from '../../support/node-peers.ts';

const defer = cleanupAfterEach();

/** `link` with some of its methods replaced; everything else is the link's own, called on it. */
function wrap(link: SignaledLink, own: Partial<SignaledLink>): SignaledLink {
  return {
    get state() {
      return link.state;
    },
    get bufferedAmount() {
      return link.bufferedAmount;
    },
    buffered: (channel) => link.buffered?.(channel) ?? 0,
    send: (message, channel) => link.send(message, channel),
    onOpen: (listener) => link.onOpen(listener),
    onMessage: (listener) => link.onMessage(listener),
    onClose: (listener) => link.onClose(listener),
    onStall: (listener) => link.onStall?.(listener),
    close: () => link.close(),
    path: () => link.path?.() ?? Promise.resolve(undefined),
    signal: (data) => link.signal(data),
    onSignal: (listener) => link.onSignal(listener),
    fingerprints: () => link.fingerprints(),
    ...own,
  };
}

/** Links whose incoming messages can be held back (muted) while the link itself stays up. */
function mutableLinks(): { links: LinkFactory; mute(muted: boolean): void } {
  let muted = false;
  const links: LinkFactory = (options) => {
    const link = nodeLinks(options);
    return wrap(link, {
      onMessage: (listener) =>
        link.onMessage((message, channel) => {
          if (!muted) listener(message, channel);
        }),
    });
  };
  return {
    links,
    mute: (value) => {
      muted = value;
    },
  };
}

/** Links that leave the heartbeat capability out of this end's hello: an end that predates it. */
const linksWithoutHeartbeat: LinkFactory = (options) => {
  const link = nodeLinks(options);
  return wrap(link, {
    send: (message, channel) => {
      const hello = message[0] === FrameType.Hello ? decodeFrame(message) : undefined;
      if (hello?.type !== 'hello') return link.send(message, channel);
      const capabilities = hello.body.capabilities.filter((c) => c !== HEARTBEAT_CAPABILITY);
      link.send(encodeHello({ ...hello.body, capabilities }, hello.version), channel);
    },
  });
};

async function pair(sharerLinks: LinkFactory, receiverLinks: LinkFactory) {
  const server: FerryServer = await createFerryServer({ port: 0 });
  defer(() => server.close());
  const { device } = simulatedCorpusDevice('sony-dualshock4-usb');
  await device.open();
  const sharer = new SharerSession({
    signaling: await connectSignaling(server.url),
    links: sharerLinks,
    iceServers: [],
    name: 'desk',
    auth: { link: 'secret-1' },
    approval: 'anyone',
  });
  defer(() => sharer.close());
  sharer.addDevice(await WebHidSource.open(device as unknown as HIDDevice, new EventTarget() as HID));
  const { sessionId } = await sharer.host();
  const receiver = new ReceiverSession({
    signaling: await connectSignaling(server.url),
    links: receiverLinks,
    iceServers: [],
    name: 'ci-box',
    auth: { link: 'secret-1' },
  });
  defer(() => receiver.close());
  const stalls: boolean[] = [];
  const problems: Error[] = [];
  receiver.on('link-stall', ({ stalled }) => stalls.push(stalled));
  receiver.on('problem', (error) => problems.push(error));
  sharer.on('problem', ({ error }) => problems.push(error));
  const devices: RemoteDevice[] = [];
  receiver.on('device', (remote) => devices.push(remote));
  await receiver.join({ sessionId });
  await expect.poll(() => devices.length, { timeout: 15_000 }).toBe(1);
  return { receiver, stalls, problems, device, remote: devices[0]! };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('the link heartbeat', () => {
  it('an idle link stays live; a link that hears nothing stalls, and answers again', {
    timeout: 30_000,
  }, async () => {
    const wire = mutableLinks();
    const { stalls, problems } = await pair(nodeLinks, wire.links);
    // Nothing is sent for well over the stall bound: the sharer's heartbeats keep the link live.
    await sleep(3000);
    expect(stalls).toEqual([]);
    expect(problems).toEqual([]);
    wire.mute(true);
    await expect.poll(() => stalls, { timeout: 10_000 }).toEqual([true]);
    wire.mute(false);
    await expect.poll(() => stalls, { timeout: 10_000 }).toEqual([true, false]);
    expect(problems).toEqual([]);
  });

  it('with a sharer that sends no heartbeats, silence is no stall and reports still flow', {
    timeout: 30_000,
  }, async () => {
    const wire = mutableLinks();
    const { stalls, problems, device, remote } = await pair(linksWithoutHeartbeat, wire.links);
    wire.mute(true);
    await sleep(3000);
    expect(stalls).toEqual([]);
    wire.mute(false);
    const inputs: number[] = [];
    remote.onInput((reportId) => inputs.push(reportId));
    device.emitInput(1, new Uint8Array(63));
    await expect.poll(() => inputs.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});
