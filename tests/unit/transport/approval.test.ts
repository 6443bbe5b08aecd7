/**
 * Sharer approval and permissions (docs/security.md) over real signaling and real WebRTC: a receiver gets
 * nothing before the sharer approves it, every request above its grant is answered with a refusal status
 * at the sharer (never performed, never left hanging), and deny and revoke end its link with the reason.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createFerryServer, type FerryServer } from '../../../signaling/index.ts';
import { WebHidSource } from '../../../src/devices/index.ts';
import {
  encodeFeatureGet,
  encodeFeatureSet,
  encodeOutputReport,
  ReplyStatus,
} from '../../../src/protocol/index.ts';
import {
  DENIED_REASON,
  type PeerStatus,
  type Permission,
  REVOKED_REASON,
  ReceiverSession,
  type RemoteDevice,
  SharerSession,
} from '../../../src/transport/index.ts';
import { connectSignaling, nodeLinks as links, simulatedCorpusDevice } from '../../support/node-peers.ts';
import { rawReceiver as rawFrameReceiver } from '../../support/raw-receiver.ts';

const SECRET = 'A'.repeat(22);
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function signaling(server: FerryServer) {
  const client = await connectSignaling(server.url);
  cleanups.push(() => client.close());
  return client;
}

/** A sharer that asks before admitting anyone, sharing a DualShock 4 (output and feature reports). */
async function askingSharer() {
  const server = await createFerryServer({ port: 0 });
  cleanups.push(() => server.close());
  const { device } = simulatedCorpusDevice('sony-dualshock4-usb');
  await device.open();
  const sharer = new SharerSession({
    signaling: await signaling(server),
    links,
    iceServers: [],
    name: 'desk',
    auth: { link: SECRET },
  });
  cleanups.push(() => sharer.close());
  sharer.addDevice(await WebHidSource.open(device as unknown as HIDDevice, new EventTarget() as HID));
  const { sessionId } = await sharer.host();
  const outputs: number[][] = [];
  device.addEventListener('output', (event) =>
    outputs.push([...(event as Event & { data: Uint8Array }).data]),
  );
  const waiting = () => new Promise<PeerStatus>((resolve) => sharer.on('waiting', resolve));
  return { server, device, sharer, sessionId, outputs, waiting };
}

async function receiver(server: FerryServer, name = 'ci-box') {
  const session = new ReceiverSession({
    signaling: await signaling(server),
    links,
    iceServers: [],
    name,
    auth: { link: SECRET },
    requestTimeoutMs: 5000,
  });
  cleanups.push(() => session.close());
  const ended = new Promise<{ reason: string; kind: string }>((resolve) => session.on('ended', resolve));
  return { session, ended };
}

const nextDevice = (session: ReceiverSession) =>
  new Promise<RemoteDevice>((resolve) => session.on('device', resolve));

/** A receiver at the frame level (tests/support/raw-receiver.ts), closed after the test. */
async function rawReceiver(server: FerryServer, sessionId: string) {
  const raw = await rawFrameReceiver({
    signaling: await signaling(server),
    sessionId,
    auth: { link: SECRET },
  });
  cleanups.push(() => raw.channel.close());
  return raw;
}

/** Approves the receiver that arrives next with `permission`, and returns its first device. */
async function approved(permission: Permission) {
  const shared = await askingSharer();
  const { session, ended } = await receiver(shared.server);
  const arrival = shared.waiting();
  const device = nextDevice(session);
  await session.join({ sessionId: shared.sessionId });
  const peer = await arrival;
  expect(shared.sharer.grant(peer.peerId, permission)).toBe(true);
  return { ...shared, session, ended, peer, remote: await device };
}

/** Feature report 4 as the device holds it (its id byte dropped). */
async function storedFeature(device: { receiveFeatureReport(id: number): Promise<DataView> }) {
  const view = await device.receiveFeatureReport(4);
  return [...new Uint8Array(view.buffer, view.byteOffset + 1, view.byteLength - 1)];
}

const refusal = (error: unknown) => ({
  name: (error as Error).name,
  code: (error as { code?: unknown }).code,
});
const notAllowed = { name: 'RemoteDeviceError', code: 'not-allowed' };

describe('approval before anything flows', () => {
  it('a waiting receiver gets no device data and its requests are refused; approval lets the device through', {
    timeout: 30_000,
  }, async () => {
    const { server, device, sharer, sessionId, outputs, waiting } = await askingSharer();
    const arrival = waiting();
    const raw = await rawReceiver(server, sessionId);
    const peer = await arrival;
    expect(peer).toMatchObject({ name: 'raw', state: 'waiting', permission: undefined });
    expect(sharer.status().peers).toEqual([expect.objectContaining({ state: 'waiting' })]);

    // Input while it waits goes nowhere; a request then answers NotAllowed, on the same ordered channel
    // after anything the device had sent: so nothing else reached the receiver before it.
    device.emitInput(1, Uint8Array.of(1, 2, 3, 4));
    raw.channel.send(encodeOutputReport(0, 5, 41, new Uint8Array(31).fill(7)));
    raw.channel.send(encodeFeatureGet(0, 4, 42));
    await expect.poll(() => raw.frames.length, { timeout: 10_000 }).toBe(2);
    expect(raw.frames).toEqual([
      expect.objectContaining({ type: 'reply', requestId: 41, status: ReplyStatus.NotAllowed }),
      expect.objectContaining({ type: 'reply', requestId: 42, status: ReplyStatus.NotAllowed }),
    ]);
    expect(outputs).toEqual([]);

    expect(sharer.grant(peer.peerId, 'input')).toBe(true);
    await expect.poll(() => raw.frames.map((frame) => frame.type).slice(2)).toEqual(['grant', 'announce']);
    expect(raw.frames[2]).toEqual({ type: 'grant', permission: 'input' });
    device.emitInput(1, Uint8Array.of(5, 6, 7, 8));
    await expect.poll(() => raw.frames.filter((frame) => frame.type === 'input').length).toBe(1);
    expect(sharer.status().peers).toEqual([expect.objectContaining({ state: 'open', permission: 'input' })]);
  });

  it('a denied receiver ends with the reason and never sees a device', { timeout: 30_000 }, async () => {
    const { server, sharer, sessionId, waiting } = await askingSharer();
    const { session, ended } = await receiver(server);
    const devices: RemoteDevice[] = [];
    session.on('device', (device) => devices.push(device));
    const arrival = waiting();
    await session.join({ sessionId });
    sharer.revoke((await arrival).peerId);
    expect(sharer.status().peers).toEqual([]);
    expect(await ended).toEqual({ reason: DENIED_REASON, kind: 'dismissed' });
    expect(devices).toEqual([]);
    expect(session.permission).toBeUndefined();
  });

  it("'anyone' approves every receiver at once with the chosen permission", { timeout: 30_000 }, async () => {
    const { server, sharer, sessionId } = await askingSharer();
    sharer.setApproval('anyone', 'input-output');
    const { session } = await receiver(server);
    const granted = new Promise<Permission>((resolve) => session.on('granted', (g) => resolve(g.permission)));
    const device = nextDevice(session);
    await session.join({ sessionId });
    expect(await granted).toBe('input-output');
    expect((await device).announcement.productId).toBe(0x05c4);
    expect(session.permission).toBe('input-output');
  });
});

describe('what each permission allows, refused at the sharer with a status', () => {
  it('input only: input reports arrive; output and feature get and set are refused', {
    timeout: 30_000,
  }, async () => {
    const { device, remote, outputs, session } = await approved('input');
    expect(session.permission).toBe('input');
    const received: number[][] = [];
    remote.onInput((_id, data) => received.push([...data]));
    device.emitInput(1, Uint8Array.of(9, 8, 7));
    await expect.poll(() => received).toEqual([[9, 8, 7]]);

    await expect(remote.sendOutputReport(5, new Uint8Array(31).fill(1)).catch(refusal)).resolves.toEqual(
      notAllowed,
    );
    await expect(remote.getFeatureReport(4).catch(refusal)).resolves.toEqual(notAllowed);
    await expect(remote.setFeatureReport(4, new Uint8Array(36).fill(1)).catch(refusal)).resolves.toEqual(
      notAllowed,
    );
    expect(outputs).toEqual([]);
    expect(await storedFeature(device)).toEqual(new Array(36).fill(0));
  });

  it('input + output: output reports reach the device; feature reports are refused', {
    timeout: 30_000,
  }, async () => {
    const { device, remote, outputs } = await approved('input-output');
    await remote.sendOutputReport(5, new Uint8Array(31).fill(3));
    expect(outputs).toEqual([new Array(31).fill(3)]);
    await expect(remote.setFeatureReport(4, new Uint8Array(36).fill(1)).catch(refusal)).resolves.toEqual(
      notAllowed,
    );
    await expect(remote.getFeatureReport(4).catch(refusal)).resolves.toEqual(notAllowed);
    expect(await storedFeature(device)).toEqual(new Array(36).fill(0));
  });

  it('a grant changed live takes effect on the next request, and the receiver is told', {
    timeout: 30_000,
  }, async () => {
    const { sharer, remote, peer, session } = await approved('input');
    await expect(remote.getFeatureReport(4).catch(refusal)).resolves.toEqual(notAllowed);
    const regranted = new Promise<Permission>((resolve) =>
      session.on('granted', (g) => resolve(g.permission)),
    );
    sharer.grant(peer.peerId, 'full');
    expect(await regranted).toBe('full');
    const feature = Uint8Array.from({ length: 36 }, (_, i) => i);
    await remote.setFeatureReport(4, feature);
    expect([...(await remote.getFeatureReport(4))]).toEqual([...feature]);
  });
});

describe('revoke', () => {
  it('ends the receiver at once: nothing more is sent to it or performed for it, and it is told why', {
    timeout: 30_000,
  }, async () => {
    const { device, sharer, remote, peer, ended, outputs } = await approved('full');
    const received: number[][] = [];
    remote.onInput((_id, data) => received.push([...data]));
    device.emitInput(1, Uint8Array.of(1));
    await expect.poll(() => received.length).toBe(1);

    sharer.revoke(peer.peerId);
    expect(sharer.status().peers).toEqual([]);
    device.emitInput(1, Uint8Array.of(2));
    const late = remote.sendOutputReport(5, new Uint8Array(31).fill(9)).catch(refusal);
    expect(await ended).toEqual({ reason: REVOKED_REASON, kind: 'dismissed' });
    expect(await late).toEqual({ name: 'RemoteDeviceError', code: 'closed' });
    expect(remote.closed).toBe(true);
    expect(received).toEqual([[1]]);
    expect(outputs).toEqual([]);
  });

  it('a frame-level receiver sees the Revoked error and then its link closes; later requests do nothing', {
    timeout: 30_000,
  }, async () => {
    const { server, sharer, sessionId, outputs, waiting } = await askingSharer();
    const arrival = waiting();
    const raw = await rawReceiver(server, sessionId);
    const { peerId } = await arrival;
    sharer.grant(peerId, 'full');
    await expect.poll(() => raw.frames.some((frame) => frame.type === 'announce')).toBe(true);
    const closed = new Promise<string>((resolve) => raw.channel.on('closed', resolve));
    sharer.revoke(peerId);
    raw.channel.send(encodeFeatureSet(0, 4, 7, new Uint8Array(36)));
    raw.channel.send(encodeOutputReport(0, 5, 8, new Uint8Array(31)));
    await closed;
    expect(raw.frames.at(-1)).toMatchObject({ type: 'error', message: REVOKED_REASON });
    expect(raw.frames.filter((frame) => frame.type === 'reply')).toEqual([]);
    expect(outputs).toEqual([]);
  });
});
