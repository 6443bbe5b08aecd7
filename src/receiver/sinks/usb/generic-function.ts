/**
 * A shared generic USB device as a USB sink presents it: enumeration answered locally from the
 * descriptors the sharer read (no round trip per GET_DESCRIPTOR), state-changing standard requests
 * turned into the matching WebUSB calls on the sharer (SET_CONFIGURATION → selectConfiguration, …),
 * everything else forwarded as a control transfer, and data transfers routed by endpoint type.
 */
import { UsbDescriptorType, type UsbSetup } from '../../../protocol/index.ts';
import type { UsbIsoResult, UsbTransferResult } from '../../../transport/usb-remote-device.ts';
import type { RemoteUsbDevice } from '../types.ts';
import { RequestType, StandardRequest } from './control.ts';

const ENDPOINT_HALT = 0;
const EMPTY = new Uint8Array(0);

const local = (status: UsbTransferResult['status'], data: Uint8Array = EMPTY): UsbTransferResult => ({
  status,
  data,
  actualLength: data.length,
});

export class GenericUsbFunction {
  constructor(readonly device: RemoteUsbDevice) {}

  /** The endpoint's transfer type in the active configuration; undefined when it has no such endpoint. */
  endpointKind(address: number) {
    return this.device.descriptors.endpoint(this.device.activeConfiguration, address)?.kind;
  }

  control(setup: UsbSetup, dataOut: Uint8Array, signal?: AbortSignal): Promise<UsbTransferResult> {
    if ((setup.requestType & RequestType.typeMask) === RequestType.standard) {
      const handled = this.standard(setup);
      if (handled !== undefined) return handled;
    }
    return this.device.controlTransfer(setup, dataOut, { signal });
  }

  transfer(
    address: number,
    length: number,
    dataOut: Uint8Array,
    signal?: AbortSignal,
  ): Promise<UsbTransferResult> {
    const kind = this.endpointKind(address);
    if (kind !== 'bulk' && kind !== 'interrupt') return Promise.resolve(local('stall'));
    if (address & 0x80) return this.device.transferIn(address & 0x0f, length, { signal });
    return this.device.transferOut(address, dataOut, { signal });
  }

  isochronous(
    address: number,
    packetLengths: readonly number[],
    dataOut: Uint8Array,
    signal?: AbortSignal,
  ): Promise<UsbIsoResult> {
    if (this.endpointKind(address) !== 'isochronous')
      return Promise.resolve({ status: 'stall', packets: [] });
    if (address & 0x80) return this.device.isochronousTransferIn(address & 0x0f, packetLengths, { signal });
    return this.device.isochronousTransferOut(address, dataOut, packetLengths, { signal });
  }

  reset(): Promise<UsbTransferResult> {
    return this.device.reset();
  }

  /** Standard requests that must not reach the real device as raw control transfers, or need not. */
  private standard(setup: UsbSetup): Promise<UsbTransferResult> | undefined {
    const recipient = setup.requestType & RequestType.recipientMask;
    switch (setup.request) {
      case StandardRequest.getDescriptor:
        return recipient === RequestType.device ? Promise.resolve(this.descriptor(setup)) : undefined;
      case StandardRequest.setAddress:
        return Promise.resolve(local('ok'));
      case StandardRequest.getConfiguration:
        return Promise.resolve(local('ok', Uint8Array.of(this.device.activeConfiguration)));
      case StandardRequest.setConfiguration:
        return this.device.selectConfiguration(setup.value & 0xff);
      case StandardRequest.setInterface:
        return this.device.selectAlternateInterface(setup.index & 0xff, setup.value & 0xff);
      case StandardRequest.clearFeature:
        if (recipient !== RequestType.endpoint || setup.value !== ENDPOINT_HALT) return undefined;
        return this.device.clearHalt(setup.index & 0xff);
      default:
        return undefined;
    }
  }

  private descriptor(setup: UsbSetup): UsbTransferResult {
    const type = setup.value >> 8;
    const raw = this.device.descriptors.raw(type, setup.value & 0xff, setup.index);
    // DEVICE_QUALIFIER and anything the sharer could not read stall, as on the real device.
    if (raw === undefined || type === UsbDescriptorType.deviceQualifier) return local('stall');
    return local('ok', raw.subarray(0, setup.length));
  }
}
