/**
 * The DOMExceptions a page gets, named as Chrome names them (blink hid_device.cc), so code written for
 * `navigator.hid` that switches on `error.name` keeps working. Where Ferry adds a reason Chrome cannot
 * have (the sharer's grant, a request that timed out), it follows Chrome's message.
 */
import { RemoteDeviceError as KeptDeviceError } from '../receiver/sinks/types.ts';
import { RemoteDeviceError } from '../transport/index.ts';

export const STATE_CHANGE_IN_PROGRESS = 'An operation that changes the device state is in progress.';
export const DEVICE_IS_FORGOTTEN = 'The device is forgotten.';
export const OPEN_REQUIRED = 'The device must be opened first.';
export const ALREADY_OPEN = 'The device is already open.';
export const OPEN_FAILED = 'Failed to open the device.';
export const SEND_REPORT_FAILED = 'Failed to write the report.';
export const SEND_FEATURE_REPORT_FAILED = 'Failed to write the feature report.';
export const RECEIVE_FEATURE_REPORT_FAILED = 'Failed to receive the feature report.';
export const UNEXPECTED_CLOSE = 'The device was closed unexpectedly.';

export function domError(name: string, message: string): DOMException {
  return new DOMException(message, name);
}

/**
 * A failed request to the real device, as the page sees it:
 * - the device went away (or the share ended): InvalidStateError, as Chrome's OnServiceConnectionError;
 * - the sharer's grant does not cover it, or the device refused: NotAllowedError, Chrome's failure;
 * - nobody answered in time, or the link stayed down past the timeout: TimeoutError (Chrome has no
 *   timeout; a network can lose the sharer).
 * The kept device (src/receiver/keep) fails with the sinks' error class, of the same shape as the link's.
 */
export function requestError(error: unknown, failure: string): DOMException {
  if (!(error instanceof RemoteDeviceError || error instanceof KeptDeviceError))
    return domError('NotAllowedError', failure);
  switch (error.code) {
    case 'closed':
      return domError('InvalidStateError', UNEXPECTED_CLOSE);
    case 'not-allowed':
      return domError('NotAllowedError', `${failure} The sharer's grant to this page does not allow it.`);
    case 'timeout':
      return domError('TimeoutError', `${failure} ${capitalized(error.message)}.`);
    default:
      return domError('NotAllowedError', `${failure} ${capitalized(error.message)}.`);
  }
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
