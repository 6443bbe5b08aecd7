/**
 * The I/O edge of the USB protocol servers. Protocol sessions see only this interface, so they run
 * against a TCP socket in production and against an in-memory fake in tests.
 */
export interface PeerLink {
  send(bytes: Uint8Array): void;
  /** Flush what was sent, then close. Idempotent. */
  close(): void;
  /** True when the peer is not reading: unsolicited traffic (input reports) should be dropped. */
  readonly congested: boolean;
}

/** What a server does with one accepted connection. */
export interface PeerHandler {
  receive(chunk: Uint8Array): void;
  /** The connection is gone (either side closed it, or it failed). */
  closed(): void;
}

export interface Logger {
  warn(message: string, error?: unknown): void;
}

export const consoleLogger: Logger = {
  warn: (message, error) => console.warn(message, error ?? ''),
};
