/**
 * WebHID interfaces other than HIDConnectionEvent have no public constructor in Chrome ("Illegal
 * constructor"); the fake's own code passes this token to prove it is the caller.
 */
export const INTERNAL: unique symbol = Symbol('fake-webhid internal');

export function assertInternal(token: unknown, interfaceName: string): void {
  if (token !== INTERNAL) throw new TypeError(`Failed to construct '${interfaceName}': Illegal constructor`);
}

/** The DOMException Chrome would reject with: `new DOMException(message, name)`. */
export function domError(name: string, message: string): DOMException {
  return new DOMException(message, name);
}

/** Chrome's prefix for errors raised by WebIDL conversion and by synchronous checks of an operation. */
export function operationError(interfaceName: string, operation: string, message: string): string {
  return `Failed to execute '${operation}' on '${interfaceName}': ${message}`;
}
