/**
 * What every device panel of the receiver page has in common, HID or USB (issue 13, docs/receiver.md
 * "When the link goes down"): an id the page keys its panels by, stable across links, and how long its
 * device has been kept without a link, for the panel's "reconnecting (n s)".
 */

/** A device of receiver/keep, as far as its panel needs to know. */
export interface KeptLink {
  /** False while the device is kept without a link. */
  readonly attached: boolean;
  /** Called when the device leaves this page (past the grace, a goodbye, the end). */
  onClose(listener: () => void): () => void;
}

let tiles = 0;

export abstract class KeptTile<D extends KeptLink> {
  /** Stable across links: the page keys its panels by it, so a kept panel keeps its element. */
  readonly id = ++tiles;
  /** When the device lost its link (wall clock, ms), while it is kept without one. */
  private keptSince: number | undefined;

  constructor(readonly device: D) {}

  /** Kept without a link: the seconds it has waited so far; undefined while attached. */
  keptForSeconds(now: number): number | undefined {
    if (this.device.attached) {
      this.keptSince = undefined;
      return undefined;
    }
    this.keptSince ??= now;
    return Math.floor((now - this.keptSince) / 1000);
  }
}
