import { LibcxxKeyOrder } from './report-order.ts';
import type { HidReportItem, HidReportType } from './types.ts';

/** A report map of one collection, iterated in Chrome's (libc++ unordered_map) order. */
export class ReportMap {
  private readonly order = new LibcxxKeyOrder();
  private readonly itemsById = new Map<number, HidReportItem[]>();

  add(reportId: number, item: HidReportItem): void {
    this.order.insert(reportId);
    let items = this.itemsById.get(reportId);
    if (!items) {
      items = [];
      this.itemsById.set(reportId, items);
    }
    items.push(item);
  }

  *entries(): IterableIterator<[number, HidReportItem[]]> {
    for (const id of this.order.keys()) yield [id, this.itemsById.get(id)!];
  }
}

/** A collection while the descriptor is being read (Chrome's HidCollection). */
export interface RawCollection {
  readonly usagePage: number;
  readonly usage: number;
  readonly type: number;
  readonly parent: RawCollection | null;
  readonly children: RawCollection[];
  readonly reports: Record<HidReportType, ReportMap>;
}

export function newRawCollection(
  parent: RawCollection | null,
  usagePage: number,
  usage: number,
  type: number,
): RawCollection {
  return {
    usagePage,
    usage,
    type,
    parent,
    children: [],
    reports: { input: new ReportMap(), output: new ReportMap(), feature: new ReportMap() },
  };
}
