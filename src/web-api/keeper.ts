/**
 * The web API's devices outlive a lost link, as the receiver page's and `ferry receive`'s do
 * (docs/web-api.md, "When the link goes down"): FerryHID and FerryUSB wrap the keeper's virtual devices,
 * not a link's RemoteDevice, so a page's device object, its `opened` state and its event listeners stay
 * while the sharer comes back. A sharer that says goodbye, or none within the grace, removes them.
 */
import { DeviceKeeper } from '../receiver/keep/index.ts';
import type { ReceiverSession } from '../transport/index.ts';

export interface KeepOptions {
  /** How long a device whose link was lost waits for the sharer to bring it back. */
  readonly graceMs?: number;
  /** How long a request waits for the link while it is down (and, HID, for the device's answer). */
  readonly requestTimeoutMs?: number;
}

/** As the receiver page and `ferry receive --grace`. */
export const DEFAULT_GRACE_MS = 60_000;
/** As ReceiverSession's RemoteDevice. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 2000;
/** After a resume, input reports older than this came out of a backlog and are dropped (the page's). */
const FRESH_MS = 100;

/** A keeper that follows `session`: a lost link keeps every device, the session's end removes them. */
export function sessionKeeper(session: ReceiverSession, options: KeepOptions = {}): DeviceKeeper {
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const keeper = new DeviceKeeper(
    {
      graceMs: options.graceMs ?? DEFAULT_GRACE_MS,
      // A device the sharer removes while the link stays up (unplugged, stopped sharing) goes at once.
      keep: false,
      freshMs: FRESH_MS,
      requestTimeoutMs,
      usb: { linkWaitMs: requestTimeoutMs },
    },
    // The page hears of a removal by the device's `disconnect` event; there is no log to write.
    { removed: () => undefined },
  );
  // Emitted before the link's devices go: the keeper detaches them first, so they are kept, not removed.
  // A stop (a goodbye, even one that came after the link was judged lost) takes the kept devices too.
  session.on('link-down', (down) => keeper.linkWent(down));
  session.on('link-stall', ({ stalled }) => {
    if (stalled) keeper.stall();
  });
  session.on('ended', ({ reason }) => keeper.removeAll(reason));
  return keeper;
}
