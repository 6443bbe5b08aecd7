/**
 * A `USBDevice` backed by a simulated function (Gadget Zero by default), with Chrome's host-side rules:
 * open before use, a configuration before claiming, claimed interfaces before their endpoints, protected
 * interface classes refused, one state change at a time, and every pending call rejected with
 * NotFoundError when the device is unplugged (usb_device.cc OnConnectionError).
 */
import { UsbDescriptorSet, type UsbSetup } from '../../../protocol/index.ts';
import { type FunctionResult, TransferAborted, type UsbFunctionModel } from '../usb-function.ts';
import { domError, ChromeUsbMessage as Message, PROTECTED_INTERFACE_CLASSES } from './chrome-usb-rules.ts';
import { GadgetZero } from './gadget-zero.ts';
import { bcd, configurationShape } from './webusb-shape.ts';

const REQUEST_TYPES = { standard: 0x00, class: 0x20, vendor: 0x40 } as const;
const RECIPIENTS = { device: 0, interface: 1, endpoint: 2, other: 3 } as const;

export interface SimulatedUsbDeviceOptions {
  /** Interface classes claimInterface refuses (Chrome's list by default). */
  readonly protectedClasses?: ReadonlySet<number>;
  readonly serialNumber?: string;
}

export class SimulatedUsbDevice implements USBDevice {
  readonly usbVersionMajor: number;
  readonly usbVersionMinor: number;
  readonly usbVersionSubminor: number;
  readonly deviceClass: number;
  readonly deviceSubclass: number;
  readonly deviceProtocol: number;
  readonly vendorId: number;
  readonly productId: number;
  readonly deviceVersionMajor: number;
  readonly deviceVersionMinor: number;
  readonly deviceVersionSubminor: number;
  readonly manufacturerName: string | null;
  readonly productName: string | null;
  readonly serialNumber: string | null;
  readonly configurations: USBConfiguration[];
  opened = false;
  /** True once unplugged: every call then fails with NotFoundError. */
  gone = false;
  private readonly claimed = new Set<number>();
  private readonly alternates = new Map<number, number>();
  private readonly pending = new Set<(error: DOMException) => void>();
  private readonly protectedClasses: ReadonlySet<number>;

  constructor(
    readonly model: UsbFunctionModel = new GadgetZero(),
    options: SimulatedUsbDeviceOptions = {},
  ) {
    const names = new UsbDescriptorSet(model.descriptors);
    const { device } = names;
    [this.usbVersionMajor, this.usbVersionMinor, this.usbVersionSubminor] = bcd(device.bcdUSB);
    [this.deviceVersionMajor, this.deviceVersionMinor, this.deviceVersionSubminor] = bcd(device.bcdDevice);
    this.deviceClass = device.deviceClass;
    this.deviceSubclass = device.deviceSubclass;
    this.deviceProtocol = device.deviceProtocol;
    this.vendorId = device.vendorId;
    this.productId = device.productId;
    this.manufacturerName = names.string(device.manufacturerIndex) ?? null;
    this.productName = names.string(device.productIndex) ?? null;
    this.serialNumber = options.serialNumber ?? names.string(device.serialNumberIndex) ?? null;
    this.protectedClasses = options.protectedClasses ?? new Set(PROTECTED_INTERFACE_CLASSES.keys());
    const state = {
      isClaimed: (value: number, n: number) => this.model.configurationValue === value && this.claimed.has(n),
      selectedAlternate: (value: number, n: number) =>
        this.model.configurationValue === value ? (this.alternates.get(n) ?? 0) : 0,
    };
    this.configurations = names.configurations.map((c) => configurationShape(c, names, state));
    // Linux configures a device as it enumerates (usb_choose_configuration): Chrome sees the first one.
    if (model.configurationValue === 0)
      model.setConfiguration(names.configurations[0]?.configurationValue ?? 0);
  }

  get configuration(): USBConfiguration | null {
    return this.configurations.find((c) => c.configurationValue === this.model.configurationValue) ?? null;
  }

  /** Simulates pulling the cable: pending calls reject with NotFoundError, later ones too. */
  unplug(): void {
    if (this.gone) return;
    this.gone = true;
    this.opened = false;
    this.model.abortPending('disconnected');
    for (const reject of [...this.pending]) reject(domError('NotFoundError', Message.disconnected));
    this.pending.clear();
  }

  async open(): Promise<void> {
    this.ensureNoStateChange();
    this.opened = true;
  }

  async close(): Promise<void> {
    this.ensureNoStateChange();
    this.releaseAll();
    this.opened = false;
  }

  async forget(): Promise<void> {
    if (this.opened) await this.close();
  }

  async selectConfiguration(value: number): Promise<void> {
    this.ensureOpen();
    if (!this.configurations.some((c) => c.configurationValue === value)) {
      throw domError('NotFoundError', Message.configurationNotFound);
    }
    if (value === this.model.configurationValue) return;
    this.releaseAll();
    if (!this.model.setConfiguration(value))
      throw domError('NetworkError', 'Unable to set device configuration.');
  }

  async claimInterface(interfaceNumber: number): Promise<void> {
    const iface = this.interfaceOf(interfaceNumber);
    if (this.claimed.has(interfaceNumber)) return;
    if (iface.alternates.some((alternate) => this.protectedClasses.has(alternate.interfaceClass))) {
      throw domError('SecurityError', Message.protectedClass);
    }
    this.claimed.add(interfaceNumber);
  }

  async releaseInterface(interfaceNumber: number): Promise<void> {
    this.interfaceOf(interfaceNumber);
    if (!this.claimed.delete(interfaceNumber)) return;
    this.alternates.delete(interfaceNumber);
    // Releasing an interface cancels its transfers (usbfs discards its URBs).
    this.model.abortPending('cancelled');
  }

  async selectAlternateInterface(interfaceNumber: number, alternateSetting: number): Promise<void> {
    this.ensureClaimed(interfaceNumber);
    const iface = this.interfaceOf(interfaceNumber);
    if (!iface.alternates.some((alternate) => alternate.alternateSetting === alternateSetting)) {
      throw domError('NotFoundError', Message.alternateNotFound);
    }
    if (!this.model.setAlternate(interfaceNumber, alternateSetting)) {
      throw domError('NetworkError', 'Unable to set device interface.');
    }
    this.alternates.set(interfaceNumber, alternateSetting);
  }

  async controlTransferIn(setup: USBControlTransferParameters, length: number): Promise<USBInTransferResult> {
    const packet = this.setupPacket(setup, 0x80, length);
    return inResult(await this.track(this.model.control(packet, new Uint8Array(0))));
  }

  async controlTransferOut(
    setup: USBControlTransferParameters,
    data?: BufferSource,
  ): Promise<USBOutTransferResult> {
    const bytes = data === undefined ? new Uint8Array(0) : bytesOf(data);
    const packet = this.setupPacket(setup, 0x00, bytes.length);
    return outResult(await this.track(this.model.control(packet, bytes)), bytes.length);
  }

  async clearHalt(direction: USBDirection, endpointNumber: number): Promise<void> {
    const address = this.ensureEndpoint(direction === 'in', endpointNumber);
    this.model.clearHalt(address);
  }

  transferIn(endpointNumber: number, length: number): Promise<USBInTransferResult> {
    try {
      const address = this.ensureEndpoint(true, endpointNumber);
      return this.track(this.model.transferIn(address, length)).then(inResult);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Like Chrome, reads `data` during the call and keeps no reference to it (not async: an async method
   * would hold its argument, often a view into a larger message, until the device accepts the data).
   */
  transferOut(endpointNumber: number, data: BufferSource): Promise<USBOutTransferResult> {
    try {
      const address = this.ensureEndpoint(false, endpointNumber);
      const bytes = bytesOf(data);
      const length = bytes.length;
      return this.track(this.model.transferOut(address, bytes)).then((result) => outResult(result, length));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async isochronousTransferIn(
    endpointNumber: number,
    packetLengths: number[],
  ): Promise<USBIsochronousInTransferResult> {
    const address = this.ensureEndpoint(true, endpointNumber);
    const result = await this.track(this.model.isochronousIn(address, packetLengths));
    return isoInResult(result.packets, packetLengths);
  }

  async isochronousTransferOut(
    endpointNumber: number,
    data: BufferSource,
    packetLengths: number[],
  ): Promise<USBIsochronousOutTransferResult> {
    const address = this.ensureEndpoint(false, endpointNumber);
    const bytes = bytesOf(data);
    if (packetLengths.reduce((sum, n) => sum + n, 0) !== bytes.length) {
      throw domError('DataError', Message.sizeMismatch);
    }
    const result = await this.track(this.model.isochronousOut(address, bytes, packetLengths));
    return {
      packets: result.packets.map((packet) => ({
        status: packet.status,
        bytesWritten: packet.bytesWritten ?? 0,
      })),
    };
  }

  async reset(): Promise<void> {
    this.ensureOpen();
    this.model.abortPending('cancelled');
    // A reset re-enumerates: Linux restores the configuration the device had (usb_reset_and_verify_device).
    const value = this.model.configurationValue;
    this.model.reset();
    this.model.setConfiguration(value);
    this.alternates.clear();
  }

  /** One promise per transfer (no finally(): two more promises and a turn each, per report). */
  private track<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.add(reject);
      work.then(
        (value) => {
          this.pending.delete(reject);
          resolve(value);
        },
        (error: unknown) => {
          this.pending.delete(reject);
          reject(transferError(error));
        },
      );
    });
  }

  private releaseAll(): void {
    this.claimed.clear();
    this.alternates.clear();
    this.model.abortPending('cancelled');
  }

  private ensureNoStateChange(): void {
    // Chrome also refuses calls while a state change is in flight; here every change completes at once.
    if (this.gone) throw domError('NotFoundError', Message.disconnected);
  }

  private ensureOpen(): void {
    this.ensureNoStateChange();
    if (!this.opened) throw domError('InvalidStateError', Message.openRequired);
  }

  private ensureConfigured(): void {
    this.ensureOpen();
    if (this.configuration === null) throw domError('InvalidStateError', Message.configurationRequired);
  }

  private interfaceOf(interfaceNumber: number): USBInterface {
    this.ensureConfigured();
    const found = this.configuration?.interfaces.find((i) => i.interfaceNumber === interfaceNumber);
    if (found === undefined) throw domError('NotFoundError', Message.interfaceNotFound);
    return found;
  }

  private ensureClaimed(interfaceNumber: number): void {
    this.interfaceOf(interfaceNumber);
    if (!this.claimed.has(interfaceNumber)) throw domError('InvalidStateError', Message.interfaceNotClaimed);
  }

  /** Chrome's EnsureEndpointAvailable: the endpoint must belong to a claimed, selected alternate. */
  private ensureEndpoint(isIn: boolean, endpointNumber: number): number {
    this.ensureConfigured();
    if (endpointNumber === 0 || endpointNumber >= 16)
      throw domError('IndexSizeError', Message.endpointOutOfRange);
    const direction = isIn ? 'in' : 'out';
    const available = (this.configuration?.interfaces ?? [])
      .filter((iface) => iface.claimed)
      .some((iface) =>
        iface.alternate.endpoints.some(
          (e) => e.endpointNumber === endpointNumber && e.direction === direction,
        ),
      );
    if (!available) throw domError('NotFoundError', Message.endpointNotAvailable);
    return endpointNumber | (isIn ? 0x80 : 0);
  }

  private setupPacket(setup: USBControlTransferParameters, direction: number, length: number): UsbSetup {
    this.ensureOpen();
    if (setup.recipient === 'interface') this.ensureClaimed(setup.index & 0xff);
    if (setup.recipient === 'endpoint') this.ensureEndpoint((setup.index & 0x80) !== 0, setup.index & 0x0f);
    const requestType = direction | REQUEST_TYPES[setup.requestType] | RECIPIENTS[setup.recipient];
    return { requestType, request: setup.request, value: setup.value, index: setup.index, length };
  }
}

function bytesOf(data: BufferSource): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function transferError(error: unknown): unknown {
  if (!(error instanceof TransferAborted)) return error;
  return error.reason === 'cancelled'
    ? domError('AbortError', Message.cancelled)
    : domError('NotFoundError', Message.disconnected);
}

const dataView = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function inResult(result: FunctionResult): USBInTransferResult {
  return { status: result.status, data: dataView(result.data ?? new Uint8Array(0)) };
}

function outResult(result: FunctionResult, length: number): USBOutTransferResult {
  // A stalled OUT transfer moved nothing; otherwise Chrome reports the whole buffer (usb_device.cc).
  return {
    status: result.status,
    bytesWritten: result.status === 'stall' ? 0 : (result.bytesWritten ?? length),
  };
}

/** Like Chrome: one buffer the size of all requested packets; each packet a view at its requested offset. */
function isoInResult(
  packets: readonly FunctionResult[],
  packetLengths: readonly number[],
): USBIsochronousInTransferResult {
  const buffer = new Uint8Array(packetLengths.reduce((sum, n) => sum + n, 0));
  let offset = 0;
  const shaped = packets.map((packet, i) => {
    const data = packet.data ?? new Uint8Array(0);
    buffer.set(data, offset);
    const view = new DataView(buffer.buffer, offset, data.length);
    offset += packetLengths[i] ?? 0;
    return { status: packet.status, data: view };
  });
  return { data: dataView(buffer), packets: shaped };
}
