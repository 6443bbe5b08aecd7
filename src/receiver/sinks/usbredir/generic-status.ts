import type { UsbStatusName } from '../../../protocol/index.ts';
import { Status } from './protocol.ts';

/** A Ferry USB status as a usbredir status. */
export function genericRedirStatus(status: UsbStatusName): number {
  switch (status) {
    case 'ok':
      return Status.success;
    case 'stall':
      return Status.stall;
    case 'babble':
      return Status.babble;
    case 'cancelled':
      return Status.cancelled;
    case 'timeout':
      return Status.timeout;
    case 'error':
    case 'disconnected':
    case 'busy':
    case 'not-allowed':
      return Status.ioerror;
  }
}
