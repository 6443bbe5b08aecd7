import { describe, expect, it } from 'vitest';
import { createPipeline, PipelineError } from '../../../src/pipeline/index.ts';
import {
  corpusRecordings,
  createLink,
  hexOf,
  inputFrame,
  receiverOnly,
  TEST_CONTEXT,
  TEST_SECRET,
} from './helpers.ts';

/** Messages a sharer with `spec` puts on the wire for `frames`. */
async function sealed(spec: string, frames: Uint8Array[], secret = TEST_SECRET, context = TEST_CONTEXT) {
  const wire: Array<{ message: Uint8Array; channel: 'reliable' | 'unreliable' }> = [];
  const sharer = createPipeline(spec, {
    role: 'sharer',
    secret,
    connectionContext: context,
    onOutbound: (message, channel) => wire.push({ message: message.slice(), channel }),
    onInbound: () => undefined,
    onError: (error) => {
      throw error;
    },
  });
  for (const frame of frames) sharer.outbound.push(frame);
  await sharer.idle();
  return wire;
}

async function openAll(
  spec: string,
  messages: Array<{ message: Uint8Array; channel: 'reliable' | 'unreliable' }>,
) {
  const receiver = receiverOnly(spec);
  for (const { message, channel } of messages) receiver.pipeline.inbound.push(message, channel);
  await receiver.pipeline.idle();
  return receiver;
}

const frames = Array.from({ length: 8 }, (_, i) => inputFrame(i, [i, i + 1, i + 2]));
const codes = (errors: PipelineError[]) => errors.map((error) => error.code);

describe('encrypt', () => {
  it('round-trips corpus frames; the wire carries no plaintext', async () => {
    const recording = corpusRecordings()[3]!.frames.slice(0, 100);
    const link = createLink('encrypt');
    for (const frame of recording) link.sharer.outbound.push(frame);
    await link.settle();
    expect(link.atReceiver.map(hexOf)).toEqual(recording.map(hexOf));
    expect(link.wire[0]!.message.length).toBe(recording[0]!.length + 6 + 16);
    expect(hexOf(link.wire[0]!.message)).not.toContain(hexOf(recording[0]!.subarray(12)));
  });

  it('fails authentication for every tampered byte, delivering nothing', async () => {
    const [first] = await sealed('encrypt', [frames[0]!]);
    for (let at = 0; at < first!.message.length; at++) {
      const tampered = first!.message.slice();
      tampered[at]! ^= 0x01;
      const { frames: delivered, errors } = await openAll('encrypt', [
        { message: tampered, channel: 'reliable' },
      ]);
      expect(delivered).toEqual([]);
      expect(codes(errors)).toEqual(['auth-failed']);
      expect(errors[0]).toBeInstanceOf(PipelineError);
    }
  });

  it('rejects a replayed message', async () => {
    const wire = await sealed('encrypt', frames.slice(0, 2));
    const { frames: delivered, errors } = await openAll('encrypt', [wire[0]!, wire[1]!, wire[0]!, wire[1]!]);
    expect(delivered).toHaveLength(2);
    expect(codes(errors)).toEqual(['replay', 'replay']);
  });

  it('accepts reordering within the window on the unreliable channel, not beyond it', async () => {
    const many = Array.from({ length: 80 }, (_, i) => inputFrame(i, [i]));
    const wire = await sealed('seq,encrypt(window=32)', many);
    expect(wire.every((entry) => entry.channel === 'unreliable')).toBe(true);
    const shuffled = [wire[5]!, wire[3]!, wire[4]!, wire[70]!, wire[50]!, wire[20]!];
    const { frames: delivered, errors } = await openAll(
      'seq(window=4096,mode=latest),encrypt(window=32)',
      shuffled,
    );
    expect(codes(errors)).toEqual(['replay']); // 20 is more than 32 behind 70
    expect(delivered).toHaveLength(2); // 5 and 70: 3, 4 and 50 authenticate but are stale for mode=latest
  });

  it('requires strictly increasing counters on the reliable channel', async () => {
    const wire = await sealed('encrypt', frames.slice(0, 3));
    const { frames: delivered, errors } = await openAll('encrypt', [wire[0]!, wire[2]!, wire[1]!]);
    expect(delivered).toHaveLength(2);
    expect(codes(errors)).toEqual(['replay']);
  });

  it('binds the channel class: a reliable message replayed as unreliable fails', async () => {
    const [message] = await sealed('seq,encrypt', [Uint8Array.of(0x03, 1)]);
    const { errors } = await openAll('seq,encrypt', [{ message: message!.message, channel: 'unreliable' }]);
    expect(codes(errors)).toEqual(['auth-failed']);
  });

  it('keeps directions apart: a message reflected back to its sender fails', async () => {
    const wire = await sealed('encrypt', [frames[0]!]);
    const errors: PipelineError[] = [];
    const sharer = createPipeline('encrypt', {
      role: 'sharer',
      secret: TEST_SECRET,
      connectionContext: TEST_CONTEXT,
      onOutbound: () => undefined,
      onInbound: () => undefined,
      onError: (error) => errors.push(error),
    });
    sharer.inbound.push(wire[0]!.message, 'reliable');
    await sharer.idle();
    expect(codes(errors)).toEqual(['auth-failed']);
  });

  it('fails with another secret or another connection context', async () => {
    const otherSecret = await sealed('encrypt', [frames[0]!], 'ZZECAwQFBgcICQoLDA0ODw');
    expect(codes((await openAll('encrypt', otherSecret)).errors)).toEqual(['auth-failed']);
    const otherContext = await sealed('encrypt', [frames[0]!], TEST_SECRET, new Uint8Array(32).fill(8));
    expect(codes((await openAll('encrypt', otherContext)).errors)).toEqual(['auth-failed']);
  });

  it('rejects messages too short to hold a counter and a tag', async () => {
    const { errors } = await openAll('encrypt', [{ message: new Uint8Array(20), channel: 'reliable' }]);
    expect(codes(errors)).toEqual(['malformed']);
  });

  it.each([
    [undefined, TEST_CONTEXT, 'missing-secret'],
    ['not-base64url!', TEST_CONTEXT, 'bad-secret'],
    ['AAECAwQFBgcICQoLDA0O', TEST_CONTEXT, 'bad-secret'],
    [TEST_SECRET, undefined, 'missing-secret'],
    [TEST_SECRET, new Uint8Array(4), 'missing-secret'],
  ])('refuses to start without a usable secret (%s)', (secret, connectionContext, code) => {
    const create = () =>
      createPipeline('encrypt', {
        role: 'sharer',
        secret,
        connectionContext,
        onOutbound: () => undefined,
        onInbound: () => undefined,
        onError: () => undefined,
      });
    expect(create).toThrowError(PipelineError);
    try {
      create();
    } catch (error) {
      expect((error as PipelineError).code).toBe(code);
    }
  });
});
