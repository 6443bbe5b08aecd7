export type UsbredirProtocolErrorCode =
  | 'no-hello'
  | 'unexpected-type'
  | 'length-limit'
  | 'bad-length'
  | 'bad-field';

/** The usb-guest broke the usbredir protocol; only that connection is dropped. */
export class UsbredirProtocolError extends Error {
  constructor(
    readonly code: UsbredirProtocolErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'UsbredirProtocolError';
  }
}
