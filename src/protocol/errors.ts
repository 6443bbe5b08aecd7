/** Why a Ferry frame was rejected. Stable codes: callers branch on `code`, people read `message`. */
export type FrameErrorCode =
  | 'empty'
  | 'truncated'
  | 'too-large'
  | 'unknown-type'
  | 'bad-version'
  | 'bad-body'
  | 'bad-field';

export class FrameError extends Error {
  override readonly name = 'FrameError';
  constructor(
    readonly code: FrameErrorCode,
    message: string,
  ) {
    super(message);
  }
}
