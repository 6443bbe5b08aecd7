import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PIPELINE,
  describeStages,
  formatPipelineSpec,
  MAX_SPEC_LENGTH,
  negotiatePipeline,
  PipelineMismatchError,
  PipelineSpecError,
  parsePipelineSpec,
  wireSignature,
} from '../../../src/pipeline/index.ts';
import { specArbitrary } from './helpers.ts';

function specError(text: string): PipelineSpecError {
  try {
    parsePipelineSpec(text);
  } catch (error) {
    expect(error).toBeInstanceOf(PipelineSpecError);
    return error as PipelineSpecError;
  }
  throw new Error(`'${text}' parsed`);
}

describe('pipeline spec', () => {
  it('parses the examples and fills defaults', () => {
    expect(parsePipelineSpec('bundle(1ms),deflate,encrypt')).toEqual([
      { name: 'bundle', params: { window: 1, max: 65_536, repeat: 0 } },
      { name: 'deflate', params: { impl: 'auto', level: 6 } },
      { name: 'encrypt', params: { window: 1024 } },
    ]);
    const spec = parsePipelineSpec(
      'coalesce(4ms,latest),discard(keepalive=500ms,deadband=2),seq(window=64),lz4,encrypt',
    );
    expect(formatPipelineSpec(spec)).toBe(
      'coalesce(window=4ms,absolute=latest),discard(keepalive=500ms,deadband=2),seq(window=64,wait=5ms,mode=reorder),lz4,encrypt(window=1024)',
    );
  });

  it('treats the empty spec as no stages, and the default parses', () => {
    expect(parsePipelineSpec('')).toEqual([]);
    expect(parsePipelineSpec('   ')).toEqual([]);
    expect(formatPipelineSpec([])).toBe('');
    expect(formatPipelineSpec(parsePipelineSpec(DEFAULT_PIPELINE))).toBe(
      'bundle(window=1ms,max=65536,repeat=0)',
    );
  });

  it('accepts us/ms/s durations at microsecond resolution', () => {
    expect(parsePipelineSpec('bundle(500us)')[0]!.params.window).toBe(0.5);
    expect(parsePipelineSpec('pace(1s)')[0]!.params.delay).toBe(1000);
    expect(formatPipelineSpec(parsePipelineSpec('bundle(1500us)'))).toBe(
      'bundle(window=1.5ms,max=65536,repeat=0)',
    );
  });

  it('round-trips every composition: parse(format(parse(s))) = parse(s)', () => {
    fc.assert(
      fc.property(specArbitrary, (text) => {
        const spec = parsePipelineSpec(text);
        const canonical = formatPipelineSpec(spec);
        expect(parsePipelineSpec(canonical)).toEqual(spec);
        expect(formatPipelineSpec(parsePipelineSpec(canonical))).toBe(canonical);
        expect(canonical.length).toBeLessThanOrEqual(MAX_SPEC_LENGTH);
      }),
    );
  });

  it.each([
    ['gzip', 'spec-unknown-stage'],
    ['bundle(2ms', 'spec-syntax'],
    ['bundle(1ms))', 'spec-syntax'],
    ['bundle((1ms))', 'spec-syntax'],
    ['Bundle', 'spec-syntax'],
    ['bundle,,lz4', 'spec-syntax'],
    ['bundle(fast)', 'spec-bad-param'],
    ['bundle(1000ms)', 'spec-bad-param'],
    ['bundle(1ms,2,3)', 'spec-bad-param'],
    ['bundle(size=3)', 'spec-bad-param'],
    ['bundle(window=1ms,window=2ms)', 'spec-bad-param'],
    ['bundle(window=1ms,256)', 'spec-syntax'],
    ['seq(window=-1)', 'spec-bad-param'],
    ['seq(mode=sometimes)', 'spec-bad-param'],
    ['lz4(1)', 'spec-bad-param'],
    ['encrypt,bundle', 'spec-order'],
    ['bundle,seq', 'spec-order'],
    ['lz4,lz4', 'spec-duplicate'],
    ['deflate,lz4', 'spec-duplicate'],
  ])('rejects %s with %s', (text, code) => {
    expect(specError(text).code).toBe(code);
  });

  it('rejects specs longer than a HELLO can carry', () => {
    expect(specError(`bundle(${' '.repeat(MAX_SPEC_LENGTH)})`).code).toBe('spec-syntax');
  });

  it('describes every stage for the UI, in pipeline order', () => {
    const stages = describeStages();
    expect(stages.map((stage) => stage.name)).toEqual([
      'coalesce',
      'discard',
      'pace',
      'seq',
      'input',
      'bundle',
      'deflate',
      'lz4',
      'encrypt',
    ]);
    for (const stage of stages) expect(stage.summary.length).toBeGreaterThan(10);
    expect(stages.find((stage) => stage.name === 'bundle')!.params[0]).toMatchObject({
      name: 'window',
      default: '1ms',
    });
  });
});

describe('pipeline negotiation', () => {
  it('agrees when the wire stages match, whatever each end tunes locally', () => {
    const local = 'coalesce(2ms),bundle(1ms),lz4,encrypt';
    const agreed = negotiatePipeline(local, 'pace(30ms),bundle(3ms,1024),lz4,encrypt(64)');
    expect(formatPipelineSpec(agreed)).toBe(formatPipelineSpec(parsePipelineSpec(local)));
    expect(wireSignature(agreed)).toBe('bundle,lz4,encrypt');
  });

  it('adopts the peer spec when passed twice', () => {
    const remote = 'seq,bundle,deflate';
    expect(negotiatePipeline(remote, remote)).toEqual(parsePipelineSpec(remote));
  });

  it.each([
    ['bundle,lz4', 'bundle,deflate'],
    ['bundle,encrypt', 'bundle'],
    ['seq,bundle', 'bundle'],
    ['', 'encrypt'],
    ['bundle', 'bundle,zstd'],
    ['bundle', 'bundle(('],
  ])('refuses %s against %s with a PipelineMismatchError', (local, remote) => {
    let caught: unknown;
    try {
      negotiatePipeline(local, remote);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PipelineMismatchError);
    expect((caught as PipelineMismatchError).code).toBe('mismatch');
    expect((caught as PipelineMismatchError).remote).toBe(remote);
  });

  it('never returns garbage for random peer strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (remote) => {
        try {
          const agreed = negotiatePipeline('bundle', remote);
          expect(wireSignature(agreed)).toBe('bundle');
        } catch (error) {
          expect(error).toBeInstanceOf(PipelineMismatchError);
        }
      }),
    );
  });
});
