/**
 * What each permission lets an approved receiver ask of the shared devices (docs/security.md, "Sharer
 * approval and permissions"). The sharer checks every request here before it reaches a device; a request
 * above the receiver's grant is answered at once with a refusal status, never dropped.
 *
 *   input         what the device sends by itself or on a read: HID input reports; USB IN transfers,
 *                 standard control reads, re-selecting the active configuration, clearing an IN halt
 *   input-output  also data to the device: HID output reports; USB OUT transfers, selecting another
 *                 configuration or alternate setting, clearing an OUT halt
 *   full          also the device's configuration channel: HID feature reports (get and set); USB class,
 *                 vendor and standard OUT control transfers, and reset
 */
import {
  ENDPOINT_DIRECTION_IN,
  PERMISSIONS,
  type Permission,
  type UsbRequestMessage,
} from '../protocol/index.ts';

export { PERMISSIONS, type Permission };

/** How the share page and `ferry receive` name a permission. */
export const PERMISSION_LABELS: Readonly<Record<Permission, string>> = {
  input: 'input only',
  'input-output': 'input + output',
  full: 'full',
};

/** One line on what a permission allows, for the person who grants it and the one who gets it. */
export const PERMISSION_SUMMARIES: Readonly<Record<Permission, string>> = {
  input: 'input reports and USB reads; output, feature and USB writes are refused',
  'input-output':
    'input and output reports, USB reads and writes; feature reports and USB control are refused',
  full: 'everything: input, output and feature reports, every USB transfer',
};

/** True when `granted` includes `needed`. */
export function permits(granted: Permission, needed: Permission): boolean {
  return PERMISSIONS.indexOf(granted) >= PERMISSIONS.indexOf(needed);
}

/** The permission a HID request needs. */
export function hidRequestNeeds(type: 'output' | 'feature-get' | 'feature-set'): Permission {
  return type === 'output' ? 'input-output' : 'full';
}

const STANDARD_TYPE = 0x00;
const TYPE_MASK = 0x60;

/** The permission a USB request needs; `activeConfiguration` is the device's configuration now. */
export function usbRequestNeeds(request: UsbRequestMessage, activeConfiguration: number): Permission {
  switch (request.kind) {
    case 'cancel':
      return 'input'; // a receiver may always withdraw its own request
    case 'transfer':
    case 'isochronous':
    case 'clear-halt':
      return byDirection(request.endpoint);
    case 'control':
      return isStandardRead(request.setup.requestType) ? 'input' : 'full';
    case 'select-configuration':
      // A host configures every device it enumerates; choosing the configuration it is in changes nothing.
      return request.value === activeConfiguration ? 'input' : 'input-output';
    case 'select-alternate':
      return 'input-output';
    case 'reset':
      return 'full';
  }
}

function byDirection(endpoint: number): Permission {
  return endpoint & ENDPOINT_DIRECTION_IN ? 'input' : 'input-output';
}

/** Standard requests in the IN direction only read (GET_STATUS, GET_INTERFACE, GET_DESCRIPTOR …). */
function isStandardRead(requestType: number): boolean {
  return (requestType & TYPE_MASK) === STANDARD_TYPE && (requestType & ENDPOINT_DIRECTION_IN) !== 0;
}
