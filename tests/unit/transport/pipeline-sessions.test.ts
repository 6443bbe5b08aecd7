/**
 * The pipeline negotiated in the hello and running on a real link: real signaling server, real WebRTC
 * (@roamhq/wrtc) on loopback, the simulated DualShock 3 replaying its corpus recording.
 */
import wrtc from '@roamhq/wrtc';
import { afterEach, describe, expect, it } from 'vitest';
import { createFerryServer, type FerryServer } from '../../../signaling/index.ts';
import { SimulatedHidDevice, WebHidSource } from '../../../src/devices/index.ts';
import { collectionsFromDescriptor, parseReportDescriptor, usesReportIds } from '../../../src/hid/index.ts';
import {
  formatPipelineSpec,
  PipelineError,
  PipelineMismatchError,
  parsePipelineSpec,
  reportCodecFromModel,
} from '../../../src/pipeline/index.ts';
import { rolesOf } from '../../../src/pipeline/stages/input-roles.ts';
import { type CollectionBody, ErrorCode } from '../../../src/protocol/index.ts';
import {
  ReceiverSession,
  type RemoteDevice,
  SharerSession,
  type SignalingClient,
  simplePeerLinks,
} from '../../../src/transport/index.ts';
import type { LinkChannel, LinkFactory } from '../../../src/transport/link.ts';
import { loadCorpusDevice } from '../../support/corpus.ts';
import { connectSignaling } from '../../support/node-peers.ts';
import { rawReceiver } from '../../support/raw-receiver.ts';

const links = simplePeerLinks(wrtc);
const SECRET = 'P'.repeat(22);
const cleanups: Array<() => unknown> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startServer(): Promise<FerryServer> {
  const server = await createFerryServer({ port: 0 });
  cleanups.push(() => server.close());
  return server;
}

async function signaling(server: FerryServer): Promise<SignalingClient> {
  const client = await connectSignaling(server.url);
  cleanups.push(() => client.close());
  return client;
}

/** Links that count the messages sent on each channel, to see where the pipeline puts them. */
function countingLinks(counts: Record<LinkChannel, number>): LinkFactory {
  return (options) => {
    const link = links(options);
    const send = link.send.bind(link);
    link.send = (message, channel = 'reliable') => {
      counts[channel]++;
      send(message, channel);
    };
    return link;
  };
}

async function sharerWith(server: FerryServer, pipeline: string, linkFactory: LinkFactory = links) {
  const corpus = loadCorpusDevice('sony-dualshock3-usb');
  const collections = collectionsFromDescriptor(corpus.descriptor);
  const device = new SimulatedHidDevice({
    vendorId: corpus.vendorId,
    productId: corpus.productId,
    productName: corpus.name,
    collections: collections as unknown as CollectionBody[],
  });
  await device.open();
  const sharer = new SharerSession({
    signaling: await signaling(server),
    links: linkFactory,
    iceServers: [],
    name: 'desk',
    auth: { link: SECRET },
    pipeline,
    approval: 'anyone',
  });
  cleanups.push(() => sharer.close());
  sharer.addDevice(await WebHidSource.open(device as unknown as HIDDevice, new EventTarget()));
  const { sessionId } = await sharer.host();
  const reports = corpus.recording.map((r) => r.report);
  expect(reports.length).toBeGreaterThan(250);
  const numbered = usesReportIds(collections);
  const play = () => {
    for (const report of reports) {
      if (numbered) device.emitInput(report[0]!, report.subarray(1));
      else device.emitInput(0, report);
    }
  };
  return { device, sharer, sessionId, play, expected: reports.map((r) => [...r]) };
}

function receiverWith(
  server: FerryServer,
  pipeline: string | undefined,
  linkFactory: LinkFactory = links,
): Promise<ReceiverSession> {
  return signaling(server).then((client) => {
    const receiver = new ReceiverSession({
      signaling: client,
      links: linkFactory,
      iceServers: [],
      name: 'ci-box',
      auth: { link: SECRET },
      requestTimeoutMs: 2000,
      ...(pipeline === undefined ? {} : { pipeline }),
    });
    cleanups.push(() => receiver.close());
    return receiver;
  });
}

/** Joins and collects: the agreed pipeline, the first device, and every input report with its id byte. */
async function joinAndCollect(receiver: ReceiverSession, sessionId: string) {
  const connected = new Promise<string>((resolve) => receiver.on('connected', (c) => resolve(c.pipeline)));
  const remote = new Promise<RemoteDevice>((resolve) => receiver.on('device', resolve));
  await receiver.join({ sessionId });
  const device = await remote;
  const received: number[][] = [];
  device.onInput((reportId, data) => received.push([reportId, ...data]));
  return { pipeline: await connected, device, received };
}

async function expectRoundTrips(device: SimulatedHidDevice, remote: RemoteDevice): Promise<void> {
  const outputs: number[][] = [];
  device.addEventListener('output', (event) =>
    outputs.push([...(event as Event & { data: Uint8Array }).data]),
  );
  await remote.sendOutputReport(1, new Uint8Array(48).fill(7));
  expect(outputs).toEqual([new Array(48).fill(7)]);
  const feature = Uint8Array.from({ length: 48 }, (_, i) => i * 3);
  await remote.setFeatureReport(2, feature);
  expect([...(await remote.getFeatureReport(2))]).toEqual([...feature]);
}

const canonical = (spec: string) => formatPipelineSpec(parsePipelineSpec(spec));

describe('sessions run the negotiated pipeline on every link', () => {
  it('bundle(1ms),deflate,encrypt: every input report arrives byte-exact; output and feature round-trip', {
    timeout: 30_000,
  }, async () => {
    const server = await startServer();
    const spec = 'bundle(1ms),deflate,encrypt';
    const counts = { reliable: 0, unreliable: 0 };
    const { device, sharer, sessionId, play, expected } = await sharerWith(
      server,
      spec,
      countingLinks(counts),
    );
    const receiver = await receiverWith(server, spec);
    const { pipeline, device: remote, received } = await joinAndCollect(receiver, sessionId);
    expect(pipeline).toBe(canonical(spec));
    expect(sharer.status().peers.map((peer) => peer.pipeline)).toEqual([canonical(spec)]);

    play();
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(expected.length);
    expect(received).toEqual(expected);
    // Bundling: reports emitted in one burst leave in far fewer messages.
    expect(counts.reliable).toBeLessThan(expected.length / 2);
    expect(counts.unreliable).toBe(0);
    await expectRoundTrips(device, remote);
  });

  it('seq,lz4,encrypt: input reports take the unreliable channel and all arrive; requests stay reliable', {
    timeout: 30_000,
  }, async () => {
    const server = await startServer();
    const spec = 'seq,lz4,encrypt';
    const counts = { reliable: 0, unreliable: 0 };
    const { device, sessionId, play, expected } = await sharerWith(server, spec, countingLinks(counts));
    // No preference: the receiver takes the sharer's pipeline.
    const receiver = await receiverWith(server, undefined);
    const { pipeline, device: remote, received } = await joinAndCollect(receiver, sessionId);
    expect(pipeline).toBe(canonical(spec));

    const reliableBefore = counts.reliable;
    play();
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(expected.length);
    // Loopback loses nothing, but unordered delivery may reorder: seq puts them back in order.
    expect(received).toEqual(expected);
    expect(receiver.lost).toBe(0);
    expect(counts.unreliable).toBe(expected.length);
    expect(counts.reliable).toBe(reliableBefore);
    await expectRoundTrips(device, remote);
  });

  it('input,bundle(1ms): every edge state arrives in order, the final state is the last report, requests round-trip', {
    timeout: 30_000,
  }, async () => {
    const server = await startServer();
    const spec = 'input,bundle(1ms)';
    const counts = { reliable: 0, unreliable: 0 };
    const { device, sessionId, play, expected } = await sharerWith(server, spec, countingLinks(counts));
    const receiver = await receiverWith(server, undefined);
    const { pipeline, device: remote, received } = await joinAndCollect(receiver, sessionId);
    expect(pipeline).toBe(canonical(spec));
    // The DualShock 3's buttons and hats are edges; its sticks and pressure axes, the latest state.
    const codec = reportCodecFromModel(
      parseReportDescriptor(loadCorpusDevice('sony-dualshock3-usb').descriptor),
    );
    const edgeState = (report: number[]) => {
      const shape = codec.input(report[0]!)!;
      const values = new Float64Array(shape.valueCount);
      shape.decode(Uint8Array.from(report.slice(1)), values);
      return `${report[0]}:${[...rolesOf(shape).edges].map((index) => values[index]).join(',')}`;
    };
    const changes = (reports: number[][]) =>
      reports.map(edgeState).filter((state, i, all) => i === 0 || state !== all[i - 1]);

    play();
    // The last report always arrives: reliably, as an edge or once the device has settled.
    await expect.poll(() => received.at(-1), { timeout: 15_000 }).toEqual(expected.at(-1));
    expect(changes(received)).toEqual(changes(expected));
    expect(counts.unreliable).toBeGreaterThan(0);
    await expectRoundTrips(device, remote);
  });

  it('link stages that differ (deflate vs lz4): both ends report a PipelineMismatchError and no device data flows', {
    timeout: 30_000,
  }, async () => {
    const server = await startServer();
    const { sharer, sessionId, play } = await sharerWith(server, 'bundle(1ms),deflate');
    const receiver = await receiverWith(server, 'bundle(1ms),lz4');
    const sharerProblems: Error[] = [];
    sharer.on('problem', ({ error }) => sharerProblems.push(error));
    const receiverProblems: Error[] = [];
    receiver.on('problem', (error) => receiverProblems.push(error));
    const devices: RemoteDevice[] = [];
    receiver.on('device', (device) => devices.push(device));
    const ended = new Promise<string>((resolve) => receiver.on('ended', ({ reason }) => resolve(reason)));

    await receiver.join({ sessionId });
    play();
    expect(await ended).toMatch(/pipelines do not match/);
    await expect.poll(() => sharerProblems.length).toBeGreaterThan(0);

    const [sharerError] = sharerProblems;
    expect(sharerError).toBeInstanceOf(PipelineMismatchError);
    expect(sharerError).toMatchObject({
      code: 'mismatch',
      local: canonical('bundle(1ms),deflate'),
      remote: canonical('bundle(1ms),lz4'),
    });
    expect(sharerError?.message).toContain(`this sharer runs '${canonical('bundle(1ms),deflate')}'`);
    expect(sharerError?.message).toContain(`the receiver '${canonical('bundle(1ms),lz4')}'`);
    const [receiverError] = receiverProblems;
    expect(receiverError).toBeInstanceOf(PipelineMismatchError);
    expect(receiverError?.message).toMatch(/wire stages differ/);
    expect(devices).toEqual([]);
    expect(receiver.connected).toBe(false);
    expect(sharer.status().peers.every((peer) => peer.pipeline === undefined)).toBe(true);
  });

  it('garbage on an encrypted link is rejected with a typed error; the link survives until the bad-frame limit', {
    timeout: 30_000,
  }, async () => {
    const server = await startServer();
    const { sharer, sessionId, play, expected } = await sharerWith(server, 'bundle(1ms),encrypt');
    const good = await receiverWith(server, undefined);
    const { received } = await joinAndCollect(good, sessionId);
    const rogue = await rogueReceiver(server, sessionId);
    const problems: Error[] = [];
    sharer.on('problem', ({ error }) => problems.push(error));

    // A sealed-looking message (counter, ciphertext, tag) that was never sealed with the key.
    const forged = new Uint8Array(40).fill(0x5a);
    forged[0] = 200;
    rogue.channel.link.send(forged);
    await expect.poll(() => problems.length).toBe(1);
    expect(problems[0]).toBeInstanceOf(PipelineError);
    expect(problems[0]).toMatchObject({ code: 'auth-failed', stage: 'encrypt' });
    // The rogue is told (through the pipeline, so it can read it) and stays connected.
    await expect.poll(() => rogue.frames.filter((frame) => frame.type === 'error').length).toBe(1);
    expect(rogue.channel.ready).toBe(true);

    const closed = new Promise<string>((resolve) => rogue.channel.on('closed', resolve));
    for (let i = 0; i < 19; i++) rogue.channel.link.send(Uint8Array.of(0xee, i));
    expect(await closed).toBeTruthy();
    expect(problems.filter((problem) => problem instanceof PipelineError).length).toBe(20);
    expect(problems.some((problem) => (problem as PipelineError).code === 'malformed')).toBe(true);

    play();
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(expected.length);
    expect(received).toEqual(expected);
  });
});

/** A receiver that authenticates and agrees properly, then sends bytes past its own pipeline. */
async function rogueReceiver(server: FerryServer, sessionId: string) {
  const signalingClient = await signaling(server);
  const rogue = await rawReceiver({
    signaling: signalingClient,
    sessionId,
    auth: { link: SECRET },
    name: 'rogue',
  });
  cleanups.push(() => rogue.channel.close());
  return { ...rogue, errorCode: ErrorCode.MalformedFrame };
}
