export type RecordingErrorCode =
  | 'unknown-line'
  | 'malformed-line'
  | 'length-mismatch'
  | 'too-large'
  | 'duplicate-header'
  | 'missing-header';

/** A hid-recorder file Ferry refuses; `line` is 1-based when the fault is on one line. */
export class RecordingError extends Error {
  override readonly name = 'RecordingError';

  constructor(
    readonly code: RecordingErrorCode,
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
  }
}
