/** Turns the errors the UI can meet into plain words for people. */
import { DeviceError } from '../../devices/index.ts';
import { UsbSourceError } from '../../devices/usb/index.ts';
import { RemoteDeviceError as KeptDeviceError } from '../../receiver/sinks/types.ts';
import { RemoteDeviceError, SignalingError } from '../../transport/index.ts';

export const NEEDS_WEBHID = 'Ferry needs Chrome or Edge (WebHID) to share a device.';
export const NEEDS_WEBUSB = 'Sharing a USB device needs Chrome or Edge (WebUSB).';
export const NEEDS_SECURE_CONTEXT =
  'Sharing needs a secure page: open Ferry over https:// (or on localhost).';

/** Why this page cannot share, or undefined when it can. */
export function sharingUnavailable(scope: {
  isSecureContext: boolean;
  navigator: Navigator;
}): string | undefined {
  if (!scope.isSecureContext) return NEEDS_SECURE_CONTEXT;
  if (!('hid' in scope.navigator)) return NEEDS_WEBHID;
  return undefined;
}

/** Why this page cannot share a generic USB device, or undefined when it can. */
export function usbSharingUnavailable(scope: {
  isSecureContext: boolean;
  navigator: Navigator;
}): string | undefined {
  if (!scope.isSecureContext) return NEEDS_SECURE_CONTEXT;
  if (!('usb' in scope.navigator)) return NEEDS_WEBUSB;
  return undefined;
}

export function describeError(error: unknown): string {
  if (error instanceof DeviceError) return describeDeviceError(error);
  if (error instanceof UsbSourceError) return describeUsbSourceError(error);
  // A kept device (receiver/keep, the page's panels) reports the link's failures as its own error class.
  if (error instanceof RemoteDeviceError || error instanceof KeptDeviceError)
    return describeRemoteError(error);
  if (error instanceof SignalingError) return describeSignalingError(error);
  if (isNamed(error, 'NotAllowedError') || isNamed(error, 'SecurityError')) {
    return 'The browser did not allow access to the device (permission denied).';
  }
  return error instanceof Error ? error.message : String(error);
}

function describeDeviceError(error: DeviceError): string {
  switch (error.code) {
    case 'not-allowed':
      return 'The browser did not allow access to the device (permission denied, or another program has it open).';
    case 'disconnected':
      return 'The device was unplugged.';
    case 'not-open':
      return 'The device is not open.';
    default:
      return `The device reported an error: ${error.message}`;
  }
}

function describeUsbSourceError(error: UsbSourceError): string {
  switch (error.code) {
    case 'protected-interface':
      return error.message; // already plain words, naming the protected classes and what to do instead
    case 'not-allowed':
      return 'The browser did not allow access to the USB device (permission denied, or a driver on this computer has claimed it).';
    case 'disconnected':
      return 'The USB device was unplugged.';
    default:
      return `The USB device reported an error: ${error.message}`;
  }
}

function describeRemoteError(error: RemoteDeviceError | KeptDeviceError): string {
  switch (error.code) {
    case 'timeout':
      return 'The device did not answer in time.';
    case 'closed':
      return 'The share has ended.';
    case 'unsupported':
      return 'The sharer does not support this request.';
    case 'not-allowed':
      return 'The sharer has not allowed this receiver to do that.';
    default:
      return `The device refused: ${error.message}`;
  }
}

function describeSignalingError(error: SignalingError): string {
  if (error.code === 'closed' || error.code === 'not-connected') {
    return 'Could not reach the Ferry server. Check your connection and reload.';
  }
  if (error.code === 'timeout') return 'The Ferry server did not answer in time.';
  if (error.code === 'unknown-session') return 'This share has ended or the link is out of date.';
  if (error.code === 'sharer-exists') return 'Someone is already sharing with this receiver.';
  if (error.code === 'session-full') return 'This share already has as many receivers as it allows.';
  if (error.code === 'code-burned' || error.code === 'code-failed') {
    return 'This code no longer works: it was tried with the wrong words. Ask the sharer for the link.';
  }
  if (error.code === 'rate-limited') {
    return 'The Ferry server is getting too many requests from your network. Wait a minute and try again.';
  }
  if (error.code === 'idle')
    return 'The connection to the Ferry server was idle for too long. Reload the page.';
  return `The Ferry server said: ${error.message}`;
}

function isNamed(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}
