/** Claiming every interface of the active configuration, and explaining Chrome's refusals in plain words. */
import { errorName, sourceErrorFrom, UsbSourceError } from './errors.ts';
import { PROTECTED_INTERFACE_CLASSES } from './protected-classes.ts';

export interface BlockedInterface {
  readonly interfaceNumber: number;
  readonly interfaceClass: number;
}

/** Claims what Chrome allows; returns the interfaces it refused as protected (SecurityError). */
export async function claimAllInterfaces(device: USBDevice): Promise<BlockedInterface[]> {
  const blocked: BlockedInterface[] = [];
  for (const iface of device.configuration?.interfaces ?? []) {
    try {
      await device.claimInterface(iface.interfaceNumber);
    } catch (error) {
      if (errorName(error) !== 'SecurityError') throw sourceErrorFrom(error);
      const protectedAlternate = iface.alternates.find((a) =>
        PROTECTED_INTERFACE_CLASSES.has(a.interfaceClass),
      );
      blocked.push({
        interfaceNumber: iface.interfaceNumber,
        interfaceClass: (protectedAlternate ?? iface.alternates[0])?.interfaceClass ?? 0,
      });
    }
  }
  return blocked;
}

/** The error when Chrome refused every interface: nothing of the device could be shared. */
export function protectedInterfaceError(
  device: USBDevice,
  blocked: readonly BlockedInterface[],
): UsbSourceError {
  const names = blocked.map(
    (b) =>
      `interface ${b.interfaceNumber} (${PROTECTED_INTERFACE_CLASSES.get(b.interfaceClass) ?? `class 0x${b.interfaceClass.toString(16)}`})`,
  );
  const isHid = blocked.some((b) => b.interfaceClass === 0x03);
  const hint = isHid
    ? ' It is a HID device: share it with “Share a device” instead, which uses WebHID.'
    : ' The operating system or another browser API owns this kind of device.';
  const product = device.productName ?? `device ${hex(device.vendorId)}:${hex(device.productId)}`;
  return new UsbSourceError(
    'protected-interface',
    `Chrome does not let web pages use ${product}: ${names.join(', ')} ${blocked.length === 1 ? 'is a' : 'are'} protected USB class${blocked.length === 1 ? '' : 'es'}.${hint}`,
  );
}

const hex = (value: number) => value.toString(16).padStart(4, '0');
