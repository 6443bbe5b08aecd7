import { intToUnitNibble, mainDataOf, packUnit } from './chrome-item.ts';
import { HidDescriptorError } from './errors.ts';
import { DescriptorWriter } from './item-writer.ts';
import { Prefix } from './items.ts';
import { effectiveReportItems, REPORT_TYPES, reportIdsUnder, reportsOf } from './layout.ts';
import { maximumInForceServes, rangeMaximum } from './range-maximum.ts';
import type { HidCollectionInfo, HidReportItem, HidReportType } from './types.ts';

const MAIN_PREFIX: Readonly<Record<HidReportType, number>> = {
  input: Prefix.Input,
  output: Prefix.Output,
  feature: Prefix.Feature,
};

/**
 * Builds a compact report descriptor that Chrome (and our parser) reads back to the same collection tree
 * and the same reports, field for field and bit for bit. Item placement inside the tree is recovered
 * from Chrome's copy-to-ancestors rule (see docs/hid.md, "Synthesis").
 */
export function synthesizeReportDescriptor(collections: readonly HidCollectionInfo[]): Uint8Array {
  const emitter = new ItemEmitter();
  for (const collection of collections) emitCollection(emitter, collection);
  return emitter.writer.toBytes();
}

interface ReportKey {
  readonly type: HidReportType;
  readonly reportId: number;
}

/** One report of one collection: its items, and the [start, end) run each child owns. */
interface ReportPlan {
  readonly key: ReportKey;
  readonly items: readonly HidReportItem[];
  readonly childRuns: ReadonlyArray<{ start: number; end: number } | undefined>;
  next: number;
}

function emitCollection(emitter: ItemEmitter, collection: HidCollectionInfo): void {
  emitter.openCollection(collection);
  const plans = planReports(collection);
  collection.children.forEach((child, childIndex) => {
    for (const plan of plans) emitOwnItemsBefore(emitter, plan, childIndex);
    emitCollection(emitter, child);
    for (const plan of plans) {
      const run = plan.childRuns[childIndex];
      if (run) plan.next = run.end;
    }
  });
  for (const plan of plans) emitOwnItemsBefore(emitter, plan, collection.children.length);
  emitter.writer.bare(Prefix.EndCollection);
}

/**
 * Emits this collection's own items that precede child `childIndex` (or all remaining ones after the
 * last child). Report 0 items go as early as possible, since a Report ID item can never be undone; other
 * reports wait for the next child that shares them.
 */
function emitOwnItemsBefore(emitter: ItemEmitter, plan: ReportPlan, childIndex: number): void {
  const stop = ownItemsEnd(plan, childIndex);
  while (plan.next < stop) emitter.reportItem(plan.key, plan.items[plan.next++]!);
}

function ownItemsEnd(plan: ReportPlan, childIndex: number): number {
  if (childIndex >= plan.childRuns.length) return plan.items.length;
  const run = plan.childRuns[childIndex];
  if (run) return run.start;
  if (plan.key.reportId !== 0) return plan.next;
  const nextRun = plan.childRuns.slice(childIndex).find((candidate) => candidate !== undefined);
  return nextRun ? nextRun.start : plan.items.length;
}

function planReports(collection: HidCollectionInfo): ReportPlan[] {
  const plans: ReportPlan[] = [];
  for (const type of REPORT_TYPES) {
    const ids = emissionOrder(collection, type);
    for (const reportId of ids) {
      const key = { type, reportId };
      const items = effectiveReportItems(collection, type, reportId);
      plans.push({ key, items, childRuns: matchChildRuns(collection, key, items), next: 0 });
    }
  }
  return plans;
}

/**
 * Chrome lists a collection's reports in libc++ unordered_map order, which for small IDs is the reverse
 * of first insertion. Emitting the collection's reports in the reverse of the listed order therefore
 * reproduces Chrome's listing in most trees (not guaranteed after bucket collisions).
 */
function emissionOrder(collection: HidCollectionInfo, type: HidReportType): number[] {
  const listed = reportsOf(collection, type).map((report) => report.reportId);
  const rank = (id: number) => {
    const index = listed.indexOf(id);
    return index < 0 ? -1 - id : listed.length - index;
  };
  return [...reportIdsUnder(collection, type)].sort((a, b) => rank(a) - rank(b));
}

/** Finds each child's items as a contiguous run of the parent's list, in child order, earliest first. */
function matchChildRuns(collection: HidCollectionInfo, key: ReportKey, items: readonly HidReportItem[]) {
  const signatures = items.map(itemSignature);
  let cursor = 0;
  return collection.children.map((child) => {
    const childItems = effectiveReportItems(child, key.type, key.reportId);
    if (childItems.length === 0) return undefined;
    const wanted = childItems.map(itemSignature);
    const start = findRun(signatures, wanted, cursor);
    if (start < 0) {
      throw new HidDescriptorError(
        'inconsistent-collections',
        `a child collection's ${key.type} report ${key.reportId} items are not a run of its parent's`,
      );
    }
    cursor = start + wanted.length;
    return { start, end: cursor };
  });
}

function findRun(haystack: readonly string[], needle: readonly string[], from: number): number {
  for (let start = from; start + needle.length <= haystack.length; start++) {
    if (needle.every((signature, i) => haystack[start + i] === signature)) return start;
  }
  return -1;
}

const SIGNATURE_KEYS = [
  'hasNull',
  'hasPreferredState',
  'isAbsolute',
  'isArray',
  'isBufferedBytes',
  'isConstant',
  'isLinear',
  'isRange',
  'isVolatile',
  'logicalMaximum',
  'logicalMinimum',
  'physicalMaximum',
  'physicalMinimum',
  'reportCount',
  'reportSize',
  'unitExponent',
  'unitFactorCurrentExponent',
  'unitFactorLengthExponent',
  'unitFactorLuminousIntensityExponent',
  'unitFactorMassExponent',
  'unitFactorTemperatureExponent',
  'unitFactorTimeExponent',
  'unitSystem',
  'usageMaximum',
  'usageMinimum',
  'usages',
  'wrap',
] as const satisfies readonly (keyof HidReportItem)[];

function itemSignature(item: HidReportItem): string {
  return JSON.stringify(SIGNATURE_KEYS.map((key) => item[key] ?? null));
}

/** Tracks the item state the emitted bytes leave behind, so only changes are written. */
class ItemEmitter {
  readonly writer = new DescriptorWriter();
  /** undefined until a global item is written: Chrome then combines no usage with a page. */
  private usagePage: number | undefined;
  private reportId = 0;
  private readonly globals = new Map<number, number>();
  /** Logical/Physical Maximum in force, as Chrome and as Linux read it (they differ; see range-maximum.ts). */
  private readonly maxima = new Map<number, { chrome: number; linux: number }>();

  openCollection(collection: HidCollectionInfo): void {
    const { usagePage, usage } = collection;
    if (usage === 0 && usagePage === 0) {
      if (this.usagePage !== undefined) this.setUsagePage(0);
    } else {
      if (usagePage !== 0 || this.usagePage !== undefined) this.setUsagePage(usagePage);
      this.writer.unsigned(Prefix.Usage, usage);
    }
    this.writer.unsigned(Prefix.Collection, collection.type);
  }

  reportItem(key: ReportKey, item: HidReportItem): void {
    this.setReportId(key.reportId);
    this.setGlobals(item);
    this.setUsages(item);
    this.writer.unsigned(MAIN_PREFIX[key.type], mainDataOf(item));
  }

  private setReportId(reportId: number): void {
    if (reportId === this.reportId) return;
    if (reportId === 0) {
      throw new HidDescriptorError(
        'inconsistent-collections',
        'report 0 items follow items with a Report ID',
      );
    }
    this.writer.unsigned(Prefix.ReportId, reportId);
    this.reportId = reportId;
  }

  private setGlobals(item: HidReportItem): void {
    // Each minimum goes first: Linux reads a maximum signed or unsigned by the minimum in force.
    this.setSigned(Prefix.LogicalMinimum, item.logicalMinimum);
    this.setMaximum(Prefix.LogicalMaximum, item.logicalMinimum, item.logicalMaximum, item.reportSize);
    this.setSigned(Prefix.PhysicalMinimum, item.physicalMinimum);
    this.setMaximum(Prefix.PhysicalMaximum, item.physicalMinimum, item.physicalMaximum, item.reportSize);
    this.setUnsigned(Prefix.Unit, packUnit(item));
    this.setUnsigned(Prefix.UnitExponent, intToUnitNibble(item.unitExponent));
    this.setUnsigned(Prefix.ReportSize, item.reportSize);
    this.setUnsigned(Prefix.ReportCount, item.reportCount);
  }

  private setSigned(prefix: number, value: number): void {
    if ((this.globals.get(prefix) ?? 0) === value) return;
    this.writer.signed(prefix, value);
    this.globals.set(prefix, value);
    this.usagePage ??= 0;
  }

  private setMaximum(prefix: number, minimum: number, maximum: number, reportSize: number): void {
    const wanted = rangeMaximum(minimum, maximum, reportSize);
    if (maximumInForceServes(this.maxima.get(prefix) ?? { chrome: 0, linux: 0 }, maximum, wanted)) return;
    this.writer.sized(prefix, wanted.payload, wanted.size);
    this.maxima.set(prefix, { chrome: maximum, linux: wanted.linux });
    this.usagePage ??= 0;
  }

  private setUnsigned(prefix: number, value: number): void {
    if ((this.globals.get(prefix) ?? 0) === value) return;
    this.writer.unsigned(prefix, value);
    this.globals.set(prefix, value);
    this.usagePage ??= 0;
  }

  private setUsagePage(page: number): void {
    if (this.usagePage === page) return;
    this.writer.unsigned(Prefix.UsagePage, page);
    this.usagePage = page;
  }

  private setUsages(item: HidReportItem): void {
    const usages = item.isRange
      ? [item.usageMinimum ?? 0, item.usageMaximum ?? 0].filter((usage) => usage !== 0)
      : (item.usages ?? []);
    if (usages.length === 0) return;
    this.chooseUsagePage(usages);
    if (item.isRange) {
      if (item.usageMinimum) this.writeUsage(Prefix.UsageMinimum, item.usageMinimum);
      if (item.usageMaximum) this.writeUsage(Prefix.UsageMaximum, item.usageMaximum);
    } else {
      for (const usage of usages) this.writeUsage(Prefix.Usage, usage);
    }
  }

  /**
   * A usage ≤ 0xFFFF is combined with the current page by Chrome, so a page-0 usage needs Usage Page 0;
   * any other page can be written as an extended usage, but switching to the most common page is shorter.
   */
  private chooseUsagePage(usages: readonly number[]): void {
    const pages = usages.map((usage) => usage >>> 16);
    if (pages.includes(0)) this.setUsagePage(0);
    else if (this.usagePage === undefined || !pages.includes(this.usagePage))
      this.setUsagePage(mostCommon(pages));
  }

  private writeUsage(prefix: number, usage: number): void {
    const page = usage >>> 16;
    if (page === this.usagePage) this.writer.unsigned(prefix, usage & 0xffff);
    else this.writer.unsigned32(prefix, usage);
  }
}

function mostCommon(values: readonly number[]): number {
  const counts = new Map<number, number>();
  let best = values[0] ?? 0;
  for (const value of values) {
    const count = (counts.get(value) ?? 0) + 1;
    counts.set(value, count);
    if (count > (counts.get(best) ?? 0)) best = value;
  }
  return best;
}
