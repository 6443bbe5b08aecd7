/** A device selector (`--allow` / `--deny`) that does not parse. `selector` is the text as given. */
export type SelectorErrorCode = 'empty' | 'unknown-kind' | 'malformed' | 'bad-hex' | 'out-of-range';

export class SelectorError extends Error {
  override readonly name = 'SelectorError';
  constructor(
    readonly code: SelectorErrorCode,
    readonly selector: string,
    message: string,
  ) {
    super(message);
  }
}

export function isSelectorError(error: unknown): error is SelectorError {
  return error instanceof SelectorError;
}
