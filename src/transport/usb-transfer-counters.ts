/** What a RemoteUsbDevice's requests came to: counts per status and bytes moved, for logs and stats. */
import { USB_STATUS_NAMES, type UsbStatusName } from '../protocol/index.ts';

export class UsbTransferCounters {
  completed = 0;
  bytesIn = 0;
  bytesOut = 0;
  private readonly byStatus = new Map<UsbStatusName, number>();

  /** `actualLength` counts as IN or OUT by the request's direction. */
  count(status: UsbStatusName, actualLength: number, directionIn: boolean): void {
    this.completed++;
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    if (directionIn) this.bytesIn += actualLength;
    else this.bytesOut += actualLength;
  }

  /** Counts of every status seen, in the protocol's order: `{ ok: 118, stall: 2 }`. */
  statuses(): Partial<Record<UsbStatusName, number>> {
    const seen = USB_STATUS_NAMES.filter((name) => this.byStatus.has(name));
    return Object.fromEntries(seen.map((name) => [name, this.byStatus.get(name)]));
  }
}
