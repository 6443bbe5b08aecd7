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

/**
 * The goodbye of a page that is going away (closed or reloaded; it cannot tell which): a receiver that
 * knows it keeps the devices for PAGE_RETURN_MS for a reload to bring them back, and counts it a stop
 * when none does. One that predates it reads a goodbye, a stop, as before.
 */
export const LEAVING_SIGNAL: SignalData = { type: 'goodbye', leaving: true };

export function isLeaving(data: SignalData): boolean {
  return isGoodbye(data) && (data as { leaving?: unknown }).leaving === true;
}

/** How long a receiver keeps the devices of a page that left for it to come back (a reload). */
export const PAGE_RETURN_MS = 15_000;
