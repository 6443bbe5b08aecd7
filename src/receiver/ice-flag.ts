import { InvalidArgumentError } from 'commander';
import { IceUrlError, parseIceUrl } from '../transport/index.ts';

/**
 * `--ice <url>` (repeatable): `stun:host[:port]` or `turn:USER:PASSWORD@host[:port][?transport=udp|tcp]`,
 * checked before anything connects. These add to the ICE servers the signaling server publishes.
 */
export function collectIceServer(value: string, previous: RTCIceServer[] = []): RTCIceServer[] {
  try {
    return [...previous, parseIceUrl(value)];
  } catch (error) {
    if (error instanceof IceUrlError) throw new InvalidArgumentError(error.message);
    throw error;
  }
}
