export type UsbipProtocolErrorCode =
  | 'bad-version'
  | 'unknown-operation'
  | 'unknown-command'
  | 'length-limit'
  | 'bad-field'
  | 'unexpected';

/** The peer broke the USB/IP protocol; only that peer's connection is dropped. */
export class UsbipProtocolError extends Error {
  constructor(
    readonly code: UsbipProtocolErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'UsbipProtocolError';
  }
}
