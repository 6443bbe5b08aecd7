/**
 * Pairing by short code (CPace, src/transport/code-handshake.ts) and the verification string, on real
 * links: the real signaling server, real Node WebRTC (@roamhq/wrtc) on loopback.
 */
import { ristretto255 } from '@noble/curves/ed25519.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createFerryServer, type FerryServer } from '../../../signaling/index.ts';
import { WebHidSource } from '../../../src/devices/index.ts';
import {
  CODE_PAKE,
  decodeFrame,
  ErrorCode,
  encodeAuthConfirm,
  encodeHello,
  type Frame,
} from '../../../src/protocol/index.ts';
import { toBase64Url } from '../../../src/transport/base64url.ts';
import {
  type AuthFailure,
  type ChannelAuth,
  CODE_WORDS,
  createCodeWords,
  ReceiverSession,
  type RemoteDevice,
  SharerSession,
  type SignaledLink,
} from '../../../src/transport/index.ts';
import { connectSignaling, nodeLinks as links, simulatedCorpusDevice } from '../../support/node-peers.ts';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const VERIFICATION = new RegExp(`^(${CODE_WORDS.join('|')})( (${CODE_WORDS.join('|')})){3}$`);

async function startServer(): Promise<FerryServer> {
  const server = await createFerryServer({ port: 0 });
  cleanups.push(() => server.close());
  return server;
}

/** A sharer hosting a session with the DualShock 4, its link secret and a short code. */
async function hostingSharer(server: FerryServer, pipeline?: string) {
  const { device } = simulatedCorpusDevice('sony-dualshock4-usb');
  await device.open();
  const words = createCodeWords().join('-');
  const failures: AuthFailure[] = [];
  const signaling = await connectSignaling(server.url);
  const sharer = new SharerSession({
    signaling,
    links,
    iceServers: [],
    name: 'desk',
    auth: { link: 'L'.repeat(22), code: words },
    approval: 'anyone',
    ...(pipeline ? { pipeline } : {}),
  });
  cleanups.push(() => sharer.close());
  sharer.on('auth-failed', (failure) => failures.push(failure));
  sharer.addDevice(await WebHidSource.open(device as unknown as HIDDevice, new EventTarget() as HID));
  const { sessionId, nameplate } = await sharer.host();
  return { device, sharer, signaling, sessionId, nameplate, words, failures };
}

async function receiverWith(server: FerryServer, auth: ChannelAuth, name = 'ci-box', pipeline?: string) {
  const receiver = new ReceiverSession({
    signaling: await connectSignaling(server.url),
    links,
    iceServers: [],
    name,
    auth,
    ...(pipeline ? { pipeline } : {}),
  });
  cleanups.push(() => receiver.close());
  const failures: AuthFailure[] = [];
  receiver.on('auth-failed', (failure) => failures.push(failure));
  const device = new Promise<RemoteDevice>((resolve) => receiver.on('device', resolve));
  const connected = new Promise<{ verification: string }>((resolve) => receiver.on('connected', resolve));
  const ended = new Promise<string>((resolve) => receiver.on('ended', ({ reason }) => resolve(reason)));
  return { receiver, device, connected, ended, failures };
}

describe('pairing by short code over real WebRTC', () => {
  it('the right code pairs; both ends show the same verification words; reports flow', {
    timeout: 30_000,
  }, async () => {
    const server = await startServer();
    const { device, sharer, nameplate, words, failures } = await hostingSharer(server);
    const joining = await receiverWith(server, { code: words });
    await joining.receiver.join({ nameplate });
    const { verification } = await joining.connected;
    const remote = await joining.device;

    expect(verification).toMatch(VERIFICATION);
    expect(joining.receiver.verification).toBe(verification);
    await expect.poll(() => sharer.status().peers.map((peer) => peer.verification)).toEqual([verification]);

    const received: number[][] = [];
    remote.onInput((_id, data) => received.push([...data]));
    device.emitInput(1, Uint8Array.of(9, 8, 7));
    await expect.poll(() => received).toEqual([[9, 8, 7]]);
    expect(failures).toEqual([]);
  });

  it('a wrong code fails on both ends after one exchange, with a clear reason and the auth-failed event', {
    timeout: 30_000,
  }, async () => {
    const server = await startServer();
    const { sharer, signaling, nameplate, words, failures } = await hostingSharer(server);
    const burned = new Promise((resolve) => signaling.on('nameplate-burned', resolve));
    const wrong = words === 'acorn-acorn' ? 'acorn-amber' : 'acorn-acorn';
    const joining = await receiverWith(server, { code: wrong });
    const devices: RemoteDevice[] = [];
    joining.receiver.on('device', (d) => devices.push(d));
    await joining.receiver.join({ nameplate });

    // Told to the one who typed it; the sharer only turned a peer away.
    expect(await joining.ended).toBe('this code is wrong — check it and try again');
    expect(joining.failures).toEqual([
      expect.objectContaining({ kind: 'code', reason: 'this code is wrong — check it and try again' }),
    ]);
    await expect.poll(() => failures).toEqual([expect.objectContaining({ kind: 'code' })]);
    expect(failures[0]?.reason).toMatch(/a peer proved a wrong code/);
    expect(devices).toEqual([]);
    expect(joining.receiver.verification).toBeUndefined();
    await expect.poll(() => sharer.status().peers.length, { timeout: 10_000 }).toBe(0);
    expect(failures).toHaveLength(1); // once per attempt, though both the tag check and the close saw it
    // Reported to the server, which burns the nameplate (docs/security.md).
    expect(await burned).toEqual({ nameplate });
  });

  it('the key from the code keys the encrypt stage at both ends', { timeout: 30_000 }, async () => {
    const server = await startServer();
    const { device, nameplate, words } = await hostingSharer(server, 'bundle(1ms),encrypt');
    const joining = await receiverWith(server, { code: words }, 'ci-box', 'bundle(1ms),encrypt');
    await joining.receiver.join({ nameplate });
    expect(await Promise.race([joining.connected.then(() => 'connected'), joining.ended])).toBe('connected');
    const remote = await joining.device;
    const received: number[][] = [];
    remote.onInput((_id, data) => received.push([...data]));
    device.emitInput(1, Uint8Array.of(1, 2, 3));
    await expect.poll(() => received).toEqual([[1, 2, 3]]);
  });

  it('two receivers with the same code each get their own verification words', {
    timeout: 30_000,
  }, async () => {
    const server = await startServer();
    const { sharer, nameplate, words } = await hostingSharer(server);
    const first = await receiverWith(server, { code: words }, 'first');
    await first.receiver.join({ nameplate });
    const second = await receiverWith(server, { code: words }, 'second');
    await second.receiver.join({ nameplate });
    const [a, b] = await Promise.all([first.connected, second.connected]);
    expect(a.verification).not.toBe(b.verification);
    await expect
      .poll(() =>
        sharer
          .status()
          .peers.map((peer) => peer.verification)
          .sort(),
      )
      .toEqual([a.verification, b.verification].sort());
  });

  it('receiver first: a sharer and a second receiver that both typed the code both speak first, and pair', {
    timeout: 30_000,
  }, async () => {
    const server = await startServer();
    const maker = await receiverWith(server, { link: 'L'.repeat(22), code: 'amber-falcon' }, 'maker');
    const { nameplate } = await maker.receiver.host();
    const { device } = simulatedCorpusDevice('sony-dualshock4-usb');
    await device.open();
    const sharer = new SharerSession({
      signaling: await connectSignaling(server.url),
      links,
      iceServers: [],
      name: 'desk',
      auth: { code: 'amber-falcon' },
      approval: 'anyone',
    });
    cleanups.push(() => sharer.close());
    sharer.addDevice(await WebHidSource.open(device as unknown as HIDDevice, new EventTarget() as HID));
    await sharer.join({ nameplate });
    await maker.device;
    const second = await receiverWith(server, { code: 'amber-falcon' }, 'second');
    await second.receiver.join({ nameplate });
    await second.device;
    const [a, b] = await Promise.all([maker.connected, second.connected]);
    expect(a.verification).not.toBe(b.verification);
    await expect
      .poll(() => sharer.status().peers.map((peer) => [peer.name, peer.verification]))
      .toEqual(
        expect.arrayContaining([
          ['maker', a.verification],
          ['second', b.verification],
        ]),
      );
  });

  it('a link shows verification words too, the same at both ends', { timeout: 30_000 }, async () => {
    const server = await startServer();
    const { sharer, sessionId } = await hostingSharer(server);
    const joining = await receiverWith(server, { link: 'L'.repeat(22) });
    await joining.receiver.join({ sessionId });
    const { verification } = await joining.connected;
    expect(verification).toMatch(VERIFICATION);
    await expect.poll(() => sharer.status().peers.map((peer) => peer.verification)).toEqual([verification]);
  });
});

/** A receiver speaking raw frames on a real link: whatever `opening` gives it to send once the link opens. */
async function rawReceiver(
  server: FerryServer,
  nameplate: string,
  opening: Uint8Array[],
  react: (frame: Frame, link: SignaledLink) => void = () => undefined,
) {
  const signaling = await connectSignaling(server.url);
  cleanups.push(() => signaling.close());
  const frames: Frame[] = [];
  let closed = false;
  signaling.on('signal', ({ from, data }) => {
    const link = links({ initiator: false, iceServers: [] });
    cleanups.push(() => link.close());
    link.onSignal((out) => signaling.signal(from, out as Record<string, unknown>));
    link.onOpen(() => {
      for (const message of opening) link.send(message);
    });
    link.onMessage((message) => {
      const frame = decodeFrame(message);
      frames.push(frame);
      react(frame, link);
    });
    link.onClose(() => {
      closed = true;
    });
    link.signal(data);
  });
  await signaling.join({ nameplate }, 'receiver', 'rogue');
  return { frames, closed: () => closed };
}

const codeHello = (share: string) =>
  encodeHello({
    role: 'receiver',
    name: 'rogue',
    capabilities: [],
    pipeline: '',
    auth: { method: 'code', pake: CODE_PAKE, share },
  });

describe('malformed code exchanges over real WebRTC', () => {
  it('a share that is no group element is refused as a failed code attempt; a good receiver is unaffected', {
    timeout: 30_000,
  }, async () => {
    const server = await startServer();
    const { device, nameplate, sessionId, failures } = await hostingSharer(server);
    const rogue = await rawReceiver(server, nameplate, [codeHello(toBase64Url(new Uint8Array(32)))]);
    await expect
      .poll(() => rogue.frames, { timeout: 10_000 })
      .toContainEqual(expect.objectContaining({ type: 'error', code: ErrorCode.AuthFailed }));
    await expect.poll(() => rogue.closed(), { timeout: 10_000 }).toBe(true);
    expect(failures).toEqual([
      expect.objectContaining({ kind: 'code', reason: expect.stringMatching(/identity/) }),
    ]);
    expect(rogue.frames.map((frame) => frame.type)).not.toContain('announce');

    // The failed attempt burned the code (docs/security.md); the link still works.
    const good = await receiverWith(server, { link: 'L'.repeat(22) }, 'good');
    await good.receiver.join({ sessionId });
    const remote = await good.device;
    const received: number[][] = [];
    remote.onInput((_id, data) => received.push([...data]));
    device.emitInput(1, Uint8Array.of(4));
    await expect.poll(() => received).toEqual([[4]]);
  });

  it('a key confirmation before any hello, or a wrong one after it, never authenticates', {
    timeout: 30_000,
  }, async () => {
    const server = await startServer();
    const { nameplate, failures } = await hostingSharer(server);
    const early = await rawReceiver(server, nameplate, [encodeAuthConfirm(new Uint8Array(64))]);
    await expect
      .poll(() => early.frames, { timeout: 10_000 })
      .toContainEqual(expect.objectContaining({ type: 'error', code: ErrorCode.MalformedFrame }));
    // A well-formed share with a made-up tag: the sharer answers with its share, then refuses the tag.
    const share = toBase64Url(ristretto255.Point.BASE.toBytes());
    const guess = await rawReceiver(server, nameplate, [
      codeHello(share),
      encodeAuthConfirm(new Uint8Array(64)),
    ]);
    await expect
      .poll(() => guess.frames.map((frame) => frame.type), { timeout: 10_000 })
      .toEqual(['hello', 'auth-confirm', 'error']);
    expect(guess.frames[2]).toMatchObject({
      code: ErrorCode.AuthFailed,
      message: expect.stringMatching(/did not match/),
    });
    await expect.poll(() => failures.map((failure) => failure.kind)).toEqual(['code']);
  });

  it('a peer that hangs up after seeing the tag, before confirming, still counts as a failed code attempt', {
    timeout: 30_000,
  }, async () => {
    const server = await startServer();
    const { nameplate, failures } = await hostingSharer(server);
    const share = toBase64Url(ristretto255.Point.BASE.toBytes());
    await rawReceiver(server, nameplate, [codeHello(share)], (frame, link) => {
      if (frame.type === 'auth-confirm') link.close();
    });
    await expect
      .poll(() => failures, { timeout: 10_000 })
      .toEqual([expect.objectContaining({ kind: 'code', reason: expect.stringMatching(/closed before/) })]);
  });
});
