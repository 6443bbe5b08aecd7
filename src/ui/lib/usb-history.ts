/** The receiver's record of its last USB transfers, newest first, and what a stall means for the user. */
import type { UsbSetup } from '../../protocol/index.ts';
import { hexByte } from './usb-model.ts';

export const HISTORY_LENGTH = 20;

export interface TransferEntry {
  readonly kind: 'control' | 'bulk/interrupt';
  readonly direction: 'IN' | 'OUT';
  /** 0 for control transfers (the default pipe). */
  readonly endpoint: number;
  /** What was asked: wLength or the IN length, or the bytes sent OUT. */
  readonly length: number;
  readonly status: string;
  /** Bytes that moved: received IN, or written OUT. */
  readonly actualLength: number;
  readonly setup?: UsbSetup;
}

export function remember(history: readonly TransferEntry[], entry: TransferEntry): TransferEntry[] {
  return [entry, ...history].slice(0, HISTORY_LENGTH);
}

/**
 * The endpoint the newest transfer found halted, if it stalled on a data endpoint. (A control request that
 * stalls is the device refusing that request; endpoint 0 clears itself with the next setup packet.)
 */
export function stalledEndpoint(history: readonly TransferEntry[]): number | undefined {
  const newest = history[0];
  return newest?.status === 'stall' && newest.endpoint !== 0 ? newest.endpoint : undefined;
}

export function describeEndpoint(entry: TransferEntry): string {
  return entry.kind === 'control' ? 'ep0' : hexByte(entry.endpoint);
}
