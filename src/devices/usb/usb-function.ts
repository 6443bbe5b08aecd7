/**
 * The device side of a simulated USB device: what the hardware does with each request, without any of
 * WebUSB's host-side rules (those live in SimulatedUsbDevice). Gadget Zero implements it.
 */
import type { UsbDescriptorEntry, UsbSetup } from '../../protocol/index.ts';

/** What the device answered on the bus; WebUSB's USBTransferStatus. */
export interface FunctionResult {
  readonly status: 'ok' | 'stall' | 'babble';
  /** IN data (may be shorter than asked: a short packet). */
  readonly data?: Uint8Array;
  /** OUT: bytes the device accepted. */
  readonly bytesWritten?: number;
}

export interface FunctionIsoResult {
  readonly packets: readonly FunctionResult[];
}

/** Why a waiting transfer ended without the device answering. */
export class TransferAborted extends Error {
  override readonly name = 'TransferAborted';
  constructor(readonly reason: 'cancelled' | 'disconnected') {
    super(reason === 'cancelled' ? 'The transfer was cancelled.' : 'The device was disconnected.');
  }
}

export interface UsbFunctionModel {
  /** Device, configurations (by index), BOS and strings, exactly as GET_DESCRIPTOR returns them. */
  readonly descriptors: readonly UsbDescriptorEntry[];
  /** bConfigurationValue the device is in now; 0 = unconfigured. */
  readonly configurationValue: number;
  setConfiguration(value: number): boolean;
  setAlternate(interfaceNumber: number, alternateSetting: number): boolean;
  /** `data` is the OUT data stage (empty for IN requests). */
  control(setup: UsbSetup, data: Uint8Array): Promise<FunctionResult>;
  transferIn(endpoint: number, length: number): Promise<FunctionResult>;
  transferOut(endpoint: number, data: Uint8Array): Promise<FunctionResult>;
  isochronousIn(endpoint: number, packetLengths: readonly number[]): Promise<FunctionIsoResult>;
  isochronousOut(
    endpoint: number,
    data: Uint8Array,
    packetLengths: readonly number[],
  ): Promise<FunctionIsoResult>;
  clearHalt(endpoint: number): void;
  /** Bus reset: unconfigured, halts cleared. */
  reset(): void;
  /** Ends every waiting transfer with TransferAborted(reason). */
  abortPending(reason: TransferAborted['reason']): void;
}
