/** The few WebIDL conversions (https://webidl.spec.whatwg.org/#es-type-mapping) the WebHID IDL needs. */

/** `octet` / `unsigned short` / `unsigned long` without [EnforceRange]: ToNumber, truncate, wrap. */
export function toUnsigned(value: unknown, bits: 8 | 16 | 32): number {
  const number = Number(value);
  if (!Number.isFinite(number)) return 0;
  const modulo = 2 ** bits;
  return ((Math.trunc(number) % modulo) + modulo) % modulo;
}

/**
 * A copy of a BufferSource's bytes, or undefined when it is none. Chrome copies them too (into a Vector)
 * before the call returns, so a page may reuse its buffer at once.
 */
export function bufferSourceBytes(value: unknown): Uint8Array | undefined {
  if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0));
  if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) {
    return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  }
  return undefined;
}

export function argumentCountMessage(required: number, present: number): string {
  const noun = required === 1 ? 'argument' : 'arguments';
  return `${required} ${noun} required, but only ${present} present.`;
}

export const NOT_A_BUFFER_SOURCE = "The provided value is not of type '(ArrayBuffer or ArrayBufferView)'.";

/** Chrome's prefix for errors raised by WebIDL conversion and by synchronous checks of an operation. */
export function operationError(interfaceName: string, operation: string, message: string): string {
  return `Failed to execute '${operation}' on '${interfaceName}': ${message}`;
}
