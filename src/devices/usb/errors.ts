/** Sharer-side USB errors and the mapping from WebUSB's DOMExceptions to Ferry's USB statuses. */
import type { UsbStatusName } from '../../protocol/index.ts';

export type UsbSourceErrorCode = 'protected-interface' | 'not-allowed' | 'disconnected' | 'device-error';

export class UsbSourceError extends Error {
  override readonly name = 'UsbSourceError';
  constructor(
    readonly code: UsbSourceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const errorName = (error: unknown): string | undefined => {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : undefined;
};

/**
 * A rejected WebUSB call as a transfer status. Chrome rejects with AbortError when a transfer is
 * cancelled, TimeoutError on a timeout, NotFoundError once the device is gone (and for an unknown
 * endpoint or interface, which `deviceGone` tells apart), NetworkError for a transfer error.
 */
export function statusFromError(error: unknown, deviceGone: boolean): UsbStatusName {
  switch (errorName(error)) {
    case 'AbortError':
      return 'cancelled';
    case 'TimeoutError':
      return 'timeout';
    case 'NotFoundError':
      return deviceGone ? 'disconnected' : 'error';
    default:
      return deviceGone ? 'disconnected' : 'error';
  }
}

export function sourceErrorFrom(error: unknown): UsbSourceError {
  if (error instanceof UsbSourceError) return error;
  const message = error instanceof Error ? error.message : String(error);
  switch (errorName(error)) {
    case 'SecurityError':
    case 'NotAllowedError':
      return new UsbSourceError('not-allowed', message, { cause: error });
    case 'NotFoundError':
      return new UsbSourceError('disconnected', message, { cause: error });
    default:
      return new UsbSourceError('device-error', message, { cause: error });
  }
}
