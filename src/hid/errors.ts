export type HidDescriptorErrorCode =
  | 'descriptor-too-large'
  | 'truncated'
  | 'invalid-item'
  | 'invalid-report-id'
  | 'too-many-items'
  | 'too-many-usages'
  | 'nesting-too-deep'
  | 'unbalanced-collection'
  | 'unbalanced-push-pop'
  | 'unbalanced-delimiter'
  | 'field-too-large'
  | 'report-too-large'
  | 'inconsistent-collections'
  | 'unknown-report'
  | 'report-too-short';

/** A descriptor, collection tree or report that Ferry refuses; `offset` is a byte offset when known. */
export class HidDescriptorError extends Error {
  override readonly name = 'HidDescriptorError';
  readonly code: HidDescriptorErrorCode;
  readonly offset: number | undefined;

  constructor(code: HidDescriptorErrorCode, message: string, offset?: number, options?: ErrorOptions) {
    super(offset === undefined ? message : `${message} (at byte ${offset})`, options);
    this.code = code;
    this.offset = offset;
  }
}

export function isHidDescriptorError(error: unknown): error is HidDescriptorError {
  return error instanceof HidDescriptorError;
}
