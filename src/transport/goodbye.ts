import type { SignalData } from '../protocol/signaling.ts';

/**
 * A signal a sharer sends each receiver when it stops sharing on purpose (the page closes, the session is
 * closed), just before its signaling socket closes. A receiver that then sees the sharer leave knows the
 * share ended normally; without it, the sharer vanished (killed, or its network went away), which a
 * WebRTC link alone would show only when ICE gives up, half a minute later. The server relays it like
 * any signal and cannot read it; a server that forged or dropped one could only change how an ending is
 * labelled, which a server can disturb anyway by dropping signals.
 */
export const GOODBYE_SIGNAL: SignalData = { type: 'goodbye' };

export function isGoodbye(data: SignalData): boolean {
  return data.type === GOODBYE_SIGNAL.type;
}
