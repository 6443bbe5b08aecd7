import type { ControlResult } from '../usb/control.ts';
import { Errno } from './protocol.ts';

/** A transfer outcome as the URB status vhci-hcd hands to the USB core (0 or a negative errno). */
export function urbStatus(result: ControlResult): number {
  switch (result.status) {
    case 'ok':
      return 0;
    case 'stall':
      return -Errno.EPIPE;
    case 'timeout':
      return -Errno.ETIMEDOUT;
    case 'no-device':
      return -Errno.ENODEV;
  }
}
