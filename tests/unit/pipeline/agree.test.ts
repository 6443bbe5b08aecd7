import { describe, expect, it } from 'vitest';
import {
  agreePipeline,
  formatPipelineSpec,
  NO_PREFERENCE,
  PipelineMismatchError,
  parsePipelineSpec,
} from '../../../src/pipeline/index.ts';

const text = (spec: readonly unknown[]) => formatPipelineSpec(spec as never);
const canonical = (spec: string) => formatPipelineSpec(parsePipelineSpec(spec));

describe('agreePipeline: the spec each end runs after the hellos', () => {
  it('a receiver with no preference runs the sharer spec, device stages included', () => {
    const sharer = 'coalesce(2ms),pace(10ms),seq,bundle(1ms),lz4,encrypt';
    expect(text(agreePipeline('receiver', NO_PREFERENCE, canonical(sharer)))).toBe(canonical(sharer));
    expect(text(agreePipeline('sharer', canonical(sharer), NO_PREFERENCE))).toBe(canonical(sharer));
  });

  it("the sharer's device stages win; each end keeps its own link-stage parameters", () => {
    const sharer = canonical('pace(30ms),bundle(2ms),deflate');
    const receiver = canonical('coalesce(4ms),bundle(5ms),deflate(level=9)');
    expect(text(agreePipeline('receiver', receiver, sharer))).toBe(
      canonical('pace(30ms),bundle(5ms),deflate(level=9)'),
    );
    expect(text(agreePipeline('sharer', sharer, receiver))).toBe(sharer);
  });

  it('different link stages are a mismatch at both ends, naming both specs', () => {
    const sharer = canonical('bundle(1ms),deflate');
    const receiver = canonical('bundle(1ms),lz4');
    for (const [role, local, remote] of [
      ['sharer', sharer, receiver],
      ['receiver', receiver, sharer],
    ] as const) {
      expect(() => agreePipeline(role, local, remote)).toThrow(PipelineMismatchError);
      try {
        agreePipeline(role, local, remote);
      } catch (error) {
        expect(error).toMatchObject({ code: 'mismatch', local, remote });
      }
    }
  });

  it('a sharer spec this version cannot read is a mismatch, even with no preference', () => {
    expect(() => agreePipeline('receiver', NO_PREFERENCE, 'bundle(1ms),zstd')).toThrow(PipelineMismatchError);
  });
});
