/**
 * A shared WebHID device that is unplugged and comes back within REPLUG_WINDOW_MS (5 s) carries on for the
 * receivers instead of being removed: the page swaps it in (SharerSession.replaceDevice) and a receiver
 * that finds it equivalent keeps its virtual device (docs/receiver.md, "Swapping a device"). It comes
 * back either by itself, when Chrome fires navigator.hid `connect` for a device the page may still use
 * (Chrome keeps that permission only for devices with a serial number), or when the person shares an
 * equivalent device again with the Share button. Past the window the unplug is a removal, as before.
 */
import { type HidSource, WebHidSource } from '../../devices/index.ts';
import type { SharerSession } from '../../transport/index.ts';
import { pageStamp } from './freeze-stamp.ts';

/** Long enough to replug a cable or move a device to another port; short enough not to hang on. */
export const REPLUG_WINDOW_MS = 5_000;

type HidEvents = Pick<HID, 'addEventListener' | 'removeEventListener'>;

/** One device as this page shares it: its channel, and whether it is unplugged and waiting. */
interface Share {
  readonly session: SharerSession;
  readonly source: HidSource;
  index: number;
  /** While unplugged: ends the wait; the session's own disconnect handling (a removal) when it expires. */
  waiting: ReturnType<typeof setTimeout> | undefined;
}

export class ReplugSwaps {
  private readonly unplugged = new Set<Share>();

  constructor(
    /** navigator.hid, for `connect` events; undefined where there is none. */
    private readonly hid: HidEvents | undefined,
    /** A swap happened: `next` is shared in the place of `old` (which the page may close). */
    private readonly swapped: (old: HidSource, next: HidSource) => void,
    private readonly windowMs = REPLUG_WINDOW_MS,
  ) {
    hid?.addEventListener('connect', this.onConnect);
  }

  /**
   * Shares `source`: in the place of an equivalent device unplugged within the window (`swapped`), or
   * as a new device (`added`).
   */
  share(session: SharerSession, source: HidSource): 'swapped' | 'added' {
    const share: Share = { session, source, index: -1, waiting: undefined };
    const old = [...this.unplugged].find(
      (gone) => gone.session === session && equivalent(gone.source, source),
    );
    if (old === undefined) {
      share.index = session.addDevice(this.watched(share));
      return 'added';
    }
    this.settle(old);
    share.index = session.replaceDevice(old.index, this.watched(share));
    this.swapped(old.source, source);
    return 'swapped';
  }

  /** The page stops sharing: nothing waits any more (`connect` is listened to for the page's life). */
  close(): void {
    for (const share of this.unplugged) this.settle(share);
  }

  /** The source, with its unplug held back for the window (the session removes it only at its end). */
  private watched(share: Share): HidSource {
    const { source } = share;
    return {
      vendorId: source.vendorId,
      productId: source.productId,
      productName: source.productName,
      collections: source.collections,
      ...(source.reportDescriptor === undefined ? {} : { reportDescriptor: source.reportDescriptor }),
      onInput: (listener) => source.onInput(listener),
      onDisconnect: (removal) => source.onDisconnect(() => this.wait(share, removal)),
      sendReport: (id, bytes) => source.sendReport(id, bytes),
      sendFeatureReport: (id, bytes) => source.sendFeatureReport(id, bytes),
      receiveFeatureReport: (id) => source.receiveFeatureReport(id),
      close: () => source.close(),
    };
  }

  private wait(share: Share, removal: () => void): void {
    this.unplugged.add(share);
    share.waiting = setTimeout(() => {
      this.settle(share);
      removal();
    }, this.windowMs);
  }

  private settle(share: Share): void {
    clearTimeout(share.waiting);
    this.unplugged.delete(share);
  }

  /** A device the page may use was plugged in: if it is an unplugged one's twin, it takes its place. */
  private readonly onConnect = (event: Event): void => {
    const device = (event as HIDConnectionEvent).device;
    const collections = device.collections as unknown as HidSource['collections'];
    const ids = { vendorId: device.vendorId, productId: device.productId, collections };
    const gone = [...this.unplugged].find((share) => equivalent(share.source, ids));
    if (gone === undefined || this.hid === undefined) return;
    void WebHidSource.open(device, this.hid, pageStamp).then(
      (next) => {
        if (this.unplugged.has(gone)) this.share(gone.session, next);
        else void next.close();
      },
      // It could not be opened (taken by another tab, gone again): the wait runs out as an unplug.
      () => undefined,
    );
  };
}

/** The sharer's side of the receivers' rule: the same ids and the same report collections. */
function equivalent(a: HidSource, b: Pick<HidSource, 'vendorId' | 'productId' | 'collections'>): boolean {
  return (
    a.vendorId === b.vendorId &&
    a.productId === b.productId &&
    JSON.stringify(a.collections) === JSON.stringify(b.collections)
  );
}
