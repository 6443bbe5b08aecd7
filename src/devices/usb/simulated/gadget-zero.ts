/**
 * A simulated Linux Gadget Zero (vendor 0x0525, product 0xa4a0), the device-side model only:
 * - source/sink configuration (3): bulk IN always returns the mod-63 pattern (`pattern=1`), bulk OUT
 *   checks it and halts the endpoint on a mismatch (f_sourcesink.c check_read_data); alternate 1 adds
 *   isochronous IN (pattern) and OUT endpoints; vendor requests 0x5b (write) / 0x5c (read back) move up
 *   to 4096 bytes through the ep0 buffer.
 * - loopback configuration (2): bulk OUT data comes back on bulk IN (f_loopback.c).
 * Standard requests behave as chapter 9 says. No WebUSB rules here: see SimulatedUsbDevice.
 */
import type { UsbSetup } from '../../../protocol/index.ts';
import type {
  FunctionIsoResult,
  FunctionResult,
  TransferAborted,
  UsbFunctionModel,
} from '../usb-function.ts';
import { GADGET_ZERO, gadgetZeroDescriptors } from './gadget-zero-descriptors.ts';
import { LoopbackBuffers } from './loopback-buffers.ts';
import { handleStandardRequest } from './standard-requests.ts';

const VENDOR_OUT = 0x40;
const VENDOR_IN = 0xc0;
export const GadgetZeroRequest = { writeBuffer: 0x5b, readBuffer: 0x5c } as const;

const STALL: FunctionResult = { status: 'stall' };

/** Byte i of every transfer, restarting each max-packet (f_sourcesink reinit_write_data, pattern 1). */
export function gadgetZeroPattern(
  length: number,
  offset = 0,
  packetSize: number = GADGET_ZERO.bulkPacketSize,
): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = ((offset + i) % packetSize) % 63;
  return out;
}

function matchesPattern(data: Uint8Array, packetSize: number): boolean {
  for (let i = 0; i < data.length; i++) if (data[i] !== (i % packetSize) % 63) return false;
  return true;
}

export class GadgetZero implements UsbFunctionModel {
  readonly descriptors = gadgetZeroDescriptors();
  configurationValue = 0;
  alternateSetting = 0;
  readonly halted = new Set<number>();
  /**
   * Time per isochronous packet: bInterval 4 at high speed is one packet per millisecond, so a request
   * of n packets completes after n ms, as the UDC paces f_sourcesink's iso requests (0 = at once).
   */
  isoIntervalMs = 1;
  private readonly ep0Buffer = new Uint8Array(GADGET_ZERO.ep0BufferSize);
  private readonly loopback = new LoopbackBuffers();

  setConfiguration(value: number): boolean {
    if (
      value !== 0 &&
      value !== GADGET_ZERO.sourceSinkConfiguration &&
      value !== GADGET_ZERO.loopbackConfiguration
    ) {
      return false;
    }
    this.configurationValue = value;
    this.alternateSetting = 0;
    this.halted.clear();
    this.loopback.clear();
    return true;
  }

  setAlternate(interfaceNumber: number, alternateSetting: number): boolean {
    if (interfaceNumber !== 0 || this.configurationValue === 0) return false;
    const max = this.configurationValue === GADGET_ZERO.sourceSinkConfiguration ? 1 : 0;
    if (alternateSetting > max) return false;
    this.alternateSetting = alternateSetting;
    this.halted.clear();
    return true;
  }

  async control(setup: UsbSetup, data: Uint8Array): Promise<FunctionResult> {
    if ((setup.requestType & 0x60) === 0) return handleStandardRequest(setup, this);
    return this.vendorRequest(setup, data);
  }

  /* The bulk calls are not async: the loopback's own promise goes back as it is (no extra promise and turns per transfer). */
  transferIn(endpoint: number, length: number): Promise<FunctionResult> {
    if (this.halted.has(endpoint)) return Promise.resolve(STALL);
    if (this.inLoopback()) return this.loopback.read(length);
    return Promise.resolve({ status: 'ok', data: gadgetZeroPattern(length) });
  }

  transferOut(endpoint: number, data: Uint8Array): Promise<FunctionResult> {
    if (this.halted.has(endpoint)) return Promise.resolve(STALL);
    if (this.inLoopback()) return this.loopback.write(data);
    if (!matchesPattern(data, GADGET_ZERO.bulkPacketSize)) {
      // check_read_data fails the request and the function halts the endpoint, as the kernel does.
      this.halted.add(endpoint);
      return Promise.resolve(STALL);
    }
    return Promise.resolve({ status: 'ok', bytesWritten: data.length });
  }

  async isochronousIn(endpoint: number, packetLengths: readonly number[]): Promise<FunctionIsoResult> {
    await this.isoPace(packetLengths.length);
    const packets = packetLengths.map((length) =>
      this.halted.has(endpoint)
        ? STALL
        : { status: 'ok' as const, data: gadgetZeroPattern(length, 0, GADGET_ZERO.isoPacketSize) },
    );
    return { packets };
  }

  async isochronousOut(
    endpoint: number,
    _data: Uint8Array,
    packetLengths: readonly number[],
  ): Promise<FunctionIsoResult> {
    // The gadget's iso OUT completions do not check data (only the bulk sink's do); every packet is
    // accepted whole.
    await this.isoPace(packetLengths.length);
    const packets = packetLengths.map((length) =>
      this.halted.has(endpoint) ? STALL : { status: 'ok' as const, bytesWritten: length },
    );
    return { packets };
  }

  clearHalt(endpoint: number): void {
    this.halted.delete(endpoint);
  }

  /** SET_FEATURE(ENDPOINT_HALT) from the host. */
  readonly halt = (endpoint: number): void => {
    this.halted.add(endpoint);
  };

  reset(): void {
    this.setConfiguration(0);
  }

  abortPending(reason: TransferAborted['reason']): void {
    this.loopback.abort(reason);
  }

  /** Loopback bytes held in the device (for tests and the demo). */
  get loopbackHeld(): number {
    return this.loopback.size;
  }

  private isoPace(packets: number): Promise<void> {
    if (this.isoIntervalMs <= 0) return Promise.resolve();
    return new Promise((resolve) => setTimeout(resolve, packets * this.isoIntervalMs));
  }

  private inLoopback(): boolean {
    return this.configurationValue === GADGET_ZERO.loopbackConfiguration;
  }

  /** f_sourcesink's setup(): only in the source/sink configuration, only with wValue = wIndex = 0. */
  private vendorRequest(setup: UsbSetup, data: Uint8Array): FunctionResult {
    const valid =
      this.configurationValue === GADGET_ZERO.sourceSinkConfiguration &&
      setup.value === 0 &&
      setup.index === 0 &&
      setup.length <= this.ep0Buffer.length;
    if (!valid) return STALL;
    if (setup.request === GadgetZeroRequest.writeBuffer && setup.requestType === VENDOR_OUT) {
      this.ep0Buffer.set(data.subarray(0, setup.length));
      return { status: 'ok', bytesWritten: data.length };
    }
    if (setup.request === GadgetZeroRequest.readBuffer && setup.requestType === VENDOR_IN) {
      return { status: 'ok', data: this.ep0Buffer.slice(0, setup.length) };
    }
    return STALL;
  }
}
