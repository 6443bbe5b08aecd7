/**
 * How a receiver that waits for its sharer (`ferry receive`) tells a stop from a loss, with real
 * signaling and real Node WebRTC: a sharer that stops says so twice (the signaling goodbye and an ERROR
 * Stopped frame on the link), so the stop is a stop even when the signaling goodbye is lost; a link that
 * closes in good order with neither (SCTP giving up in a long outage looks like that) is a loss, which
 * keeps the device for the grace instead of ending the run.
 */
import { describe, expect, it } from 'vitest';
import { createFerryServer } from '../../../signaling/index.ts';
import { WebHidSource } from '../../../src/devices/index.ts';
import { GOODBYE_SIGNAL, PAGE_RETURN_MS } from '../../../src/transport/goodbye.ts';
import {
  type LinkFactory,
  ReceiverSession,
  SharerSession,
  type SignaledLink,
  type SignalingClient,
} from '../../../src/transport/index.ts';
import { cleanupAfterEach } from '../../support/cleanups.ts';
import { connectSignaling, nodeLinks, simulatedCorpusDevice } from '../../support/node-peers.ts';

const defer = cleanupAfterEach();

type LinkDown = { reason: string; kind: 'closed' | 'lost'; returnWithinMs?: number };

/** A paired sharer and waiting receiver; `sharerLinks` are the sharer's links as they were made. */
async function pair(options: { dropSignalingGoodbye: boolean }) {
  const server = await createFerryServer({ port: 0 });
  defer(() => server.close());
  const sharerLinks: SignaledLink[] = [];
  const capturing: LinkFactory = (linkOptions) => {
    const link = nodeLinks(linkOptions);
    sharerLinks.push(link);
    return link;
  };
  const signaling = await connectSignaling(server.url);
  if (options.dropSignalingGoodbye) {
    const signal = signaling.signal.bind(signaling);
    signaling.signal = (to, data) => (data.type === 'goodbye' ? undefined : signal(to, data));
  }
  const sharer = new SharerSession({
    signaling,
    links: capturing,
    iceServers: [],
    name: 'desk',
    auth: { link: 'secret-g' },
    approval: 'anyone',
  });
  defer(() => sharer.close());
  const { device } = simulatedCorpusDevice('sony-dualshock4-usb');
  await device.open();
  sharer.addDevice(await WebHidSource.open(device as unknown as HIDDevice, new EventTarget() as HID));
  const { sessionId } = await sharer.host();
  const receiverSignaling = await connectSignaling(server.url);
  const slowly = slowReceiver(receiverSignaling);
  const slowLinks = slowLinkFactory();
  const receiver = new ReceiverSession({
    signaling: receiverSignaling,
    links: slowLinks.links,
    iceServers: [],
    name: 'ci-box',
    auth: { link: 'secret-g' },
    whenSharerLeaves: 'wait',
  });
  defer(() => receiver.close());
  const connected = new Promise<void>((resolve) => receiver.on('connected', () => resolve()));
  const linkDowns: LinkDown[] = [];
  const linkDown = new Promise<LinkDown>((resolve) => receiver.on('link-down', resolve));
  receiver.on('link-down', (down) => linkDowns.push(down));
  await receiver.join({ sessionId });
  await connected;
  const receiverId = receiverSignaling.session?.peerId ?? '';
  return {
    sharer,
    sharerLinks,
    linkDown,
    linkDowns,
    signaling,
    receiverId,
    slowly,
    slowLink: slowLinks.slow,
  };
}

/**
 * Receiver links that, once `slow(ms)` is called, hand on what arrives (messages, then the close) that
 * much later, in order: a link slower than the signaling path (a loaded machine's WebRTC threads).
 */
function slowLinkFactory(): { links: LinkFactory; slow: (delayMs: number) => void } {
  let delayMs = 0;
  const later = (run: () => void) => (delayMs === 0 ? run() : setTimeout(run, delayMs));
  const links: LinkFactory = (options) => {
    const link = nodeLinks(options);
    const slowed: SignaledLink = {
      get state() {
        return link.state;
      },
      get bufferedAmount() {
        return link.bufferedAmount;
      },
      freshMessages: link.freshMessages,
      send: (message, channel) => link.send(message, channel),
      onOpen: (listener) => link.onOpen(listener),
      onMessage: (listener) => link.onMessage((message, channel) => later(() => listener(message, channel))),
      onClose: (listener) => link.onClose((reason, failed) => later(() => listener(reason, failed))),
      close: () => link.close(),
      signal: (data) => link.signal(data),
      onSignal: (listener) => link.onSignal(listener),
      fingerprints: () => link.fingerprints(),
    };
    return slowed;
  };
  return {
    links,
    slow: (ms) => {
      delayMs = ms;
    },
  };
}

/**
 * A receiver on a slow machine (a loaded, emulated guest): once `slowly(ms)` is called, everything its
 * signaling socket brings is handled that much later, in order.
 */
function slowReceiver(signaling: SignalingClient): (delayMs: number) => void {
  let delayMs = 0;
  // emit is protected: the test reaches past it to slow what the session hears, nothing else.
  const emitter = signaling as unknown as { emit: (event: string, payload: unknown) => boolean };
  const emit = emitter.emit.bind(signaling);
  emitter.emit = (event, payload) => {
    if (delayMs === 0) return emit(event, payload);
    setTimeout(() => emit(event, payload), delayMs);
    return true;
  };
  return (ms) => {
    delayMs = ms;
  };
}

describe('a waiting receiver tells a stop from a loss', () => {
  it('a sharer that stops is a stop even when its signaling goodbye is lost (the in-band one arrives)', {
    timeout: 20_000,
  }, async () => {
    const { sharer, linkDown } = await pair({ dropSignalingGoodbye: true });
    sharer.close();
    expect(await linkDown).toEqual({ reason: 'the sharer stopped sharing', kind: 'closed' });
  });

  it('a quiet close whose signaling goodbye comes a moment later is still a stop', {
    timeout: 20_000,
  }, async () => {
    const { sharerLinks, linkDown, signaling, receiverId } = await pair({ dropSignalingGoodbye: false });
    for (const link of sharerLinks) link.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    signaling.signal(receiverId, GOODBYE_SIGNAL);
    expect(await linkDown).toEqual({ reason: 'the sharer stopped sharing', kind: 'closed' });
  });

  it('a link that closes in good order without any goodbye is a loss, not a stop', {
    timeout: 20_000,
  }, async () => {
    const { sharerLinks, linkDown } = await pair({ dropSignalingGoodbye: false });
    for (const link of sharerLinks) link.close();
    const down = await linkDown;
    expect(down.kind).toBe('lost');
    expect(down.reason).not.toMatch(/stopped sharing/);
  });

  it('a sharer page that goes away (closed or reloaded) is a loss to wait for a little, not a stop', {
    timeout: 20_000,
  }, async () => {
    const { sharer, linkDown } = await pair({ dropSignalingGoodbye: false });
    sharer.close({ leaving: true });
    const down = await linkDown;
    expect(down).toMatchObject({ kind: 'lost', returnWithinMs: PAGE_RETURN_MS });
    expect(down.reason).toMatch(/page went away/);
  });

  it('a leaving page whose signaling goodbye is lost is still known by its in-band one', {
    timeout: 20_000,
  }, async () => {
    const { sharer, linkDown } = await pair({ dropSignalingGoodbye: true });
    sharer.close({ leaving: true });
    expect(await linkDown).toMatchObject({ kind: 'lost', returnWithinMs: PAGE_RETURN_MS });
  });

  it('a goodbye on a link slower than the server\'s "peer-left" still counts: a stop', {
    timeout: 20_000,
  }, async () => {
    const { sharer, linkDown, slowLink } = await pair({ dropSignalingGoodbye: true });
    slowLink(300);
    sharer.close();
    expect(await linkDown).toEqual({ reason: 'the sharer stopped sharing', kind: 'closed' });
  });

  it('a goodbye on a link slower than the server\'s "peer-left" still counts: a page leaving', {
    timeout: 20_000,
  }, async () => {
    const { sharer, linkDown, slowLink } = await pair({ dropSignalingGoodbye: true });
    slowLink(300);
    sharer.close({ leaving: true });
    expect(await linkDown).toMatchObject({ kind: 'lost', returnWithinMs: PAGE_RETURN_MS });
  });

  it('a goodbye handled after the link was judged lost still ends it as a stop', {
    timeout: 20_000,
  }, async () => {
    const { sharerLinks, linkDowns, signaling, receiverId, slowly } = await pair({
      dropSignalingGoodbye: false,
    });
    slowly(2500);
    // The sharer's tab closes: its link closes, its goodbye goes out and its socket closes.
    for (const link of sharerLinks) link.close();
    signaling.signal(receiverId, GOODBYE_SIGNAL);
    signaling.close();
    await expect.poll(() => linkDowns.length, { timeout: 10_000 }).toBe(2);
    expect(linkDowns[0]?.kind).toBe('lost');
    expect(linkDowns[1]).toEqual({ reason: 'the sharer stopped sharing', kind: 'closed' });
  });
});
