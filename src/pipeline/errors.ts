/**
 * Why the pipeline refused something. Stable codes: callers branch on `code`, people read `message`.
 * A receiving half that rejects a message drops only that message and reports the error; what to do with
 * the peer (usually: close it) is the caller's decision.
 */
export type PipelineErrorCode =
  | 'spec-syntax'
  | 'spec-unknown-stage'
  | 'spec-bad-param'
  | 'spec-order'
  | 'spec-duplicate'
  | 'spec-scope'
  | 'mismatch'
  | 'missing-secret'
  | 'bad-secret'
  | 'malformed'
  | 'too-large'
  | 'unexpected-channel'
  | 'decompress-failed'
  | 'auth-failed'
  | 'replay'
  | 'nonce-exhausted'
  | 'overload'
  | 'internal';

export class PipelineError extends Error {
  override readonly name: string = 'PipelineError';
  constructor(
    readonly code: PipelineErrorCode,
    message: string,
    /** The stage that raised it, when one did. */
    readonly stage?: string,
    options?: ErrorOptions,
  ) {
    super(stage ? `${stage}: ${message}` : message, options);
  }
}

/** A pipeline spec string or object that does not describe a valid pipeline. */
export class PipelineSpecError extends PipelineError {
  override readonly name = 'PipelineSpecError';
}

/** The two ends' pipelines put different bytes on the wire; nothing can be exchanged safely. */
export class PipelineMismatchError extends PipelineError {
  override readonly name = 'PipelineMismatchError';
  constructor(
    message: string,
    readonly local: string,
    readonly remote: string,
  ) {
    super('mismatch', message);
  }
}

export function isPipelineError(error: unknown): error is PipelineError {
  return error instanceof PipelineError;
}

/** Anything a half throws becomes a PipelineError, so callers only ever see one error type. */
export function toPipelineError(error: unknown, stage?: string): PipelineError {
  if (error instanceof PipelineError) return error;
  return new PipelineError('internal', `unexpected failure: ${String(error)}`, stage, { cause: error });
}
