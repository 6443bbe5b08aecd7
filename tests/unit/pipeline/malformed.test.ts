import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPipeline, PipelineError, PipelineSpecError } from '../../../src/pipeline/index.ts';
import { FrameType, UsbFrameType } from '../../../src/protocol/index.ts';
import { receiverOnly, specArbitrary } from './helpers.ts';

const knownTypes = new Set<number>([...Object.values(FrameType), ...Object.values(UsbFrameType)]);

describe('hostile input to every receiving half', () => {
  it('never throws, reports only PipelineErrors, and never delivers a malformed frame', async () => {
    await fc.assert(
      fc.asyncProperty(
        specArbitrary,
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 80 }), fc.boolean()), { minLength: 1, maxLength: 20 }),
        async (spec, messages) => {
          const { pipeline, frames, errors } = receiverOnly(spec);
          for (const [bytes, unreliable] of messages) {
            expect(() => pipeline.inbound.push(bytes, unreliable ? 'unreliable' : 'reliable')).not.toThrow();
          }
          await pipeline.idle();
          pipeline.flush();
          pipeline.close();
          for (const error of errors) expect(error).toBeInstanceOf(PipelineError);
          for (const frame of frames) {
            expect(knownTypes.has(frame[0]!)).toBe(true);
            if (frame[0] === FrameType.InputReport) expect(frame.length).toBeGreaterThanOrEqual(12);
          }
          if (spec.includes('encrypt')) expect(frames).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses oversized messages before any stage sees them', () => {
    const { pipeline, errors } = receiverOnly('bundle');
    pipeline.inbound.push(new Uint8Array(300 * 1024), 'reliable');
    expect(errors.map((error) => error.code)).toEqual(['too-large']);
  });

  it('drops input after close', () => {
    const { pipeline, frames, errors } = receiverOnly('');
    pipeline.close();
    pipeline.inbound.push(Uint8Array.of(0x03, 1), 'reliable');
    expect([frames, errors]).toEqual([[], []]);
  });

  it('throws PipelineSpecError for a bad spec at creation', () => {
    expect(() =>
      createPipeline('bundle(forever)', {
        role: 'sharer',
        onOutbound: () => undefined,
        onInbound: () => undefined,
        onError: () => undefined,
      }),
    ).toThrowError(PipelineSpecError);
  });
});
