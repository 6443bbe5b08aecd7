/**
 * The DEVICE_GONE a receiver is sent: with the reason byte when the device was swapped and the
 * receiver's hello lists SWAP_CAPABILITY, so that it can carry on with an equivalent replacement; the
 * plain 2-byte frame otherwise (a receiver from before the reason byte would reject the 3-byte form, and
 * a plain removal needs no reason).
 */
import { encodeDeviceGone, type GoneReason, SWAP_CAPABILITY } from '../protocol/index.ts';
import type { PeerChannel } from './peer-channel.ts';

export function deviceGoneFrame(
  peer: Pick<PeerChannel, 'remote'>,
  index: number,
  reason: GoneReason,
): Uint8Array {
  const knowsSwaps = peer.remote?.capabilities.includes(SWAP_CAPABILITY) ?? false;
  return encodeDeviceGone(index, reason === 'swapped' && knowsSwaps ? 'swapped' : undefined);
}
