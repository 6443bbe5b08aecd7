import type { ControlResult } from '../usb/control.ts';
import { Status } from './protocol.ts';

export function usbredirStatus(result: ControlResult): number {
  switch (result.status) {
    case 'ok':
      return Status.success;
    case 'stall':
      return Status.stall;
    case 'timeout':
      return Status.timeout;
    case 'no-device':
      return Status.ioerror;
  }
}
