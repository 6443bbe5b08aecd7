import {
  bcd,
  configurationShape,
  ChromeUsbMessage as Message,
  PROTECTED_INTERFACE_CLASSES,
} from '../devices/usb/index.ts';
import type { UsbSetup, UsbStatusName } from '../protocol/index.ts';
import type { VirtualUsbDevice } from '../receiver/keep/index.ts';
import type { UsbTransferResult } from '../transport/index.ts';
import { domError } from './errors.ts';
import { bufferSourceBytes } from './webidl.ts';

const REQUEST_TYPES = { standard: 0x00, class: 0x20, vendor: 0x40 } as const;
const RECIPIENTS = { device: 0, interface: 1, endpoint: 2, other: 3 } as const;
const TRANSFER_ERROR = 'A transfer error has occurred.';
const NOT_ALLOWED = "The transfer was not allowed. The sharer's grant to this page does not allow it.";

/**
 * Like Chrome, a result's DataView spans an ArrayBuffer of exactly its data (pages read `result.data.buffer`
 * whole): a view into a larger buffer — RemoteUsbDevice keeps completions as views of their message
 * when the link allows it — is copied here.
 */
const dataView = (bytes: Uint8Array) =>
  bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? new DataView(bytes.buffer)
    : new DataView(bytes.slice().buffer);

/**
 * A shared generic USB device as a WebUSB `USBDevice` (https://wicg.github.io/webusb/#device-usage), with
 * Chrome's host-side rules and messages (usb_device.cc, as src/devices/usb/simulated/ models them): open
 * before use, a configuration before claiming, claimed interfaces before their endpoints, protected
 * classes refused. Transfers and commands travel to the sharer's real device through the keeper's
 * VirtualUsbDevice, over whichever link carries it now: while the link is down the device stays open
 * and a transfer waits for the link within requestTimeoutMs (docs/web-api.md, "When the link goes down").
 */
export class FerryUSBDevice implements USBDevice {
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
  #opened = false;
  #stateChange = false;
  #forgotten = false;
  readonly #remote: VirtualUsbDevice;
  readonly #claimed = new Set<number>();
  readonly #alternates = new Map<number, number>();
  readonly #onForget: (device: FerryUSBDevice) => void;

  constructor(remote: VirtualUsbDevice, onForget: (device: FerryUSBDevice) => void) {
    this.#remote = remote;
    this.#onForget = onForget;
    const names = remote.descriptors;
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
    this.serialNumber = names.string(device.serialNumberIndex) ?? null;
    const state = {
      isClaimed: (value: number, n: number) => this.#configurationValue === value && this.#claimed.has(n),
      selectedAlternate: (value: number, n: number) =>
        this.#configurationValue === value ? (this.#alternates.get(n) ?? 0) : 0,
    };
    this.configurations = names.configurations.map((c) => configurationShape(c, names, state));
  }

  get [Symbol.toStringTag](): string {
    return 'USBDevice';
  }

  /** Chrome's OnConnectionError closes a device that went away (not one whose link is being re-made). */
  get opened(): boolean {
    return this.#opened && !this.#remote.removed;
  }

  get configuration(): USBConfiguration | null {
    return this.configurations.find((c) => c.configurationValue === this.#configurationValue) ?? null;
  }

  /** False once the sharer stopped sharing it (unplugged, or the share ended), or the grace ran out. */
  get connected(): boolean {
    return !this.#remote.removed;
  }

  get #configurationValue(): number {
    return this.#remote.activeConfiguration;
  }

  /** requestDevice picked it again. */
  regrant(): void {
    this.#forgotten = false;
  }

  async open(): Promise<void> {
    this.#ensureNoStateChange();
    if (this.#opened) return; // Chrome resolves a second open()
    this.#opened = true;
  }

  async close(): Promise<void> {
    this.#ensureNoStateChange();
    this.#claimed.clear();
    this.#alternates.clear();
    this.#opened = false;
  }

  async forget(): Promise<void> {
    if (this.#opened) await this.close();
    this.#forgotten = true;
    this.#onForget(this);
  }

  async selectConfiguration(configurationValue: number): Promise<void> {
    this.#ensureOpen();
    if (!this.configurations.some((c) => c.configurationValue === configurationValue)) {
      throw domError('NotFoundError', Message.configurationNotFound);
    }
    if (configurationValue === this.#configurationValue) return;
    await this.#change(async () => {
      const result = await this.#remote.selectConfiguration(configurationValue);
      this.#claimed.clear();
      this.#alternates.clear();
      this.#expectOk(result.status, 'Unable to set device configuration.');
    });
  }

  async claimInterface(interfaceNumber: number): Promise<void> {
    const iface = this.#interfaceOf(interfaceNumber);
    if (this.#claimed.has(interfaceNumber)) return;
    if (iface.alternates.some((alternate) => PROTECTED_INTERFACE_CLASSES.has(alternate.interfaceClass))) {
      throw domError('SecurityError', Message.protectedClass);
    }
    // The sharer claimed what it shares when the share began; here a claim is this page's bookkeeping.
    this.#claimed.add(interfaceNumber);
  }

  async releaseInterface(interfaceNumber: number): Promise<void> {
    this.#interfaceOf(interfaceNumber);
    this.#claimed.delete(interfaceNumber);
    this.#alternates.delete(interfaceNumber);
  }

  async selectAlternateInterface(interfaceNumber: number, alternateSetting: number): Promise<void> {
    const iface = this.#interfaceOf(interfaceNumber);
    if (!this.#claimed.has(interfaceNumber)) throw domError('InvalidStateError', Message.interfaceNotClaimed);
    if (!iface.alternates.some((alternate) => alternate.alternateSetting === alternateSetting)) {
      throw domError('NotFoundError', Message.alternateNotFound);
    }
    const result = await this.#remote.selectAlternateInterface(interfaceNumber, alternateSetting);
    this.#expectOk(result.status, 'Unable to set device interface.');
    this.#alternates.set(interfaceNumber, alternateSetting);
  }

  async controlTransferIn(setup: USBControlTransferParameters, length: number): Promise<USBInTransferResult> {
    const packet = this.#setupPacket(setup, 0x80, length);
    return inResult(this.#transferred(await this.#remote.controlTransfer(packet)));
  }

  async controlTransferOut(
    setup: USBControlTransferParameters,
    data?: BufferSource,
  ): Promise<USBOutTransferResult> {
    const bytes = data === undefined ? new Uint8Array(0) : this.#bytes(data);
    const packet = this.#setupPacket(setup, 0x00, bytes.length);
    return outResult(this.#transferred(await this.#remote.controlTransfer(packet, bytes)));
  }

  async clearHalt(direction: USBDirection, endpointNumber: number): Promise<void> {
    const address = this.#ensureEndpoint(direction === 'in', endpointNumber);
    const result = await this.#remote.clearHalt(address);
    this.#expectOk(result.status, 'Unable to clear endpoint.');
  }

  async transferIn(endpointNumber: number, length: number): Promise<USBInTransferResult> {
    const address = this.#ensureEndpoint(true, endpointNumber);
    return inResult(this.#transferred(await this.#remote.transferIn(address, length)));
  }

  async transferOut(endpointNumber: number, data: BufferSource): Promise<USBOutTransferResult> {
    const address = this.#ensureEndpoint(false, endpointNumber);
    return outResult(this.#transferred(await this.#remote.transferOut(address, this.#bytes(data))));
  }

  async isochronousTransferIn(
    endpointNumber: number,
    packetLengths: number[],
  ): Promise<USBIsochronousInTransferResult> {
    const address = this.#ensureEndpoint(true, endpointNumber);
    const result = await this.#remote.isochronousTransferIn(address, packetLengths);
    this.#transferred({ status: result.status });
    // Like Chrome: one buffer the size of all requested packets; each packet a view at its offset.
    const buffer = new Uint8Array(packetLengths.reduce((sum, n) => sum + n, 0));
    let offset = 0;
    const packets = result.packets.map((packet, i) => {
      buffer.set(packet.data, offset);
      const view = new DataView(buffer.buffer, offset, packet.data.length);
      offset += packetLengths[i] ?? 0;
      return { status: packetStatus(packet.status), data: view };
    });
    return { data: dataView(buffer), packets };
  }

  async isochronousTransferOut(
    endpointNumber: number,
    data: BufferSource,
    packetLengths: number[],
  ): Promise<USBIsochronousOutTransferResult> {
    const address = this.#ensureEndpoint(false, endpointNumber);
    const bytes = this.#bytes(data);
    if (packetLengths.reduce((sum, n) => sum + n, 0) !== bytes.length) {
      throw domError('DataError', Message.sizeMismatch);
    }
    const result = await this.#remote.isochronousTransferOut(address, bytes, packetLengths);
    this.#transferred({ status: result.status });
    return {
      packets: result.packets.map((packet) => ({
        status: packetStatus(packet.status),
        bytesWritten: packet.actualLength,
      })),
    };
  }

  async reset(): Promise<void> {
    this.#ensureOpen();
    await this.#change(async () => {
      const result = await this.#remote.reset();
      this.#alternates.clear();
      this.#expectOk(result.status, 'Unable to reset the device.');
    });
  }

  /** One state change at a time, as Chrome's device_state_change_in_progress_. */
  async #change(work: () => Promise<void>): Promise<void> {
    this.#stateChange = true;
    try {
      await work();
    } finally {
      this.#stateChange = false;
    }
  }

  #bytes(data: BufferSource): Uint8Array {
    const bytes = bufferSourceBytes(data);
    if (!bytes) throw new TypeError("The provided value is not of type '(ArrayBuffer or ArrayBufferView)'.");
    return bytes;
  }

  /** A USB outcome the page sees as a status (ok, stall, babble), or the exception Chrome would throw. */
  #transferred(result: Pick<UsbTransferResult, 'status'> & Partial<UsbTransferResult>): UsbTransferResult {
    const { status } = result;
    if (status === 'ok' || status === 'stall' || status === 'babble') {
      return { status, data: result.data ?? new Uint8Array(0), actualLength: result.actualLength ?? 0 };
    }
    throw statusError(status);
  }

  #expectOk(status: UsbStatusName, failure: string): void {
    if (status === 'ok') return;
    if (status === 'disconnected' || status === 'not-allowed' || status === 'timeout')
      throw statusError(status);
    throw domError('NetworkError', failure);
  }

  #ensureNoStateChange(): void {
    // Chrome: forget() revokes the permission, which closes the device's pipe, as an unplug does.
    if (this.#remote.removed || this.#forgotten) throw domError('NotFoundError', Message.disconnected);
    if (this.#stateChange) throw domError('InvalidStateError', Message.stateChange);
  }

  #ensureOpen(): void {
    this.#ensureNoStateChange();
    if (!this.#opened) throw domError('InvalidStateError', Message.openRequired);
  }

  #ensureConfigured(): USBConfiguration {
    this.#ensureOpen();
    const configuration = this.configuration;
    if (configuration === null) throw domError('InvalidStateError', Message.configurationRequired);
    return configuration;
  }

  #interfaceOf(interfaceNumber: number): USBInterface {
    const found = this.#ensureConfigured().interfaces.find((i) => i.interfaceNumber === interfaceNumber);
    if (found === undefined) throw domError('NotFoundError', Message.interfaceNotFound);
    return found;
  }

  /** Chrome's EnsureEndpointAvailable: the endpoint must belong to a claimed, selected alternate. */
  #ensureEndpoint(isIn: boolean, endpointNumber: number): number {
    const configuration = this.#ensureConfigured();
    if (endpointNumber === 0 || endpointNumber >= 16) {
      throw domError('IndexSizeError', Message.endpointOutOfRange);
    }
    const direction = isIn ? 'in' : 'out';
    const available = configuration.interfaces
      .filter((iface) => iface.claimed)
      .some((iface) =>
        iface.alternate.endpoints.some(
          (e) => e.endpointNumber === endpointNumber && e.direction === direction,
        ),
      );
    if (!available) throw domError('NotFoundError', Message.endpointNotAvailable);
    return endpointNumber | (isIn ? 0x80 : 0);
  }

  #setupPacket(setup: USBControlTransferParameters, direction: number, length: number): UsbSetup {
    this.#ensureOpen();
    if (setup.recipient === 'interface') {
      const interfaceNumber = setup.index & 0xff;
      this.#interfaceOf(interfaceNumber);
      if (!this.#claimed.has(interfaceNumber))
        throw domError('InvalidStateError', Message.interfaceNotClaimed);
    }
    if (setup.recipient === 'endpoint') this.#ensureEndpoint((setup.index & 0x80) !== 0, setup.index & 0x0f);
    const requestType = direction | REQUEST_TYPES[setup.requestType] | RECIPIENTS[setup.recipient];
    return { requestType, request: setup.request, value: setup.value, index: setup.index, length };
  }
}

/** What Chrome rejects with where Ferry's status is not a USB outcome. */
function statusError(status: UsbStatusName): DOMException {
  switch (status) {
    case 'disconnected':
      return domError('NotFoundError', Message.disconnected);
    case 'cancelled':
      return domError('AbortError', Message.cancelled);
    case 'not-allowed':
      return domError('SecurityError', NOT_ALLOWED);
    case 'timeout':
      return domError('TimeoutError', 'The transfer timed out.');
    default:
      return domError('NetworkError', TRANSFER_ERROR);
  }
}

function packetStatus(status: UsbStatusName): USBTransferStatus {
  return status === 'stall' || status === 'babble' ? status : 'ok';
}

function inResult(result: UsbTransferResult): USBInTransferResult {
  return { status: result.status as USBTransferStatus, data: dataView(result.data) };
}

function outResult(result: UsbTransferResult): USBOutTransferResult {
  // A stalled OUT transfer moved nothing (usb_device.cc).
  return {
    status: result.status as USBTransferStatus,
    bytesWritten: result.status === 'stall' ? 0 : result.actualLength,
  };
}
