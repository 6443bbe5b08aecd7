import { toWebHidItem } from './chrome-item.ts';
import { HidDescriptorError } from './errors.ts';
import { ItemStateTable } from './item-state.ts';
import { type DescriptorItem, Prefix, tokenizeDescriptor } from './items.ts';
import { HID_LIMITS } from './limits.ts';
import { newRawCollection, type RawCollection } from './raw-collection.ts';
import type { HidReportType } from './types.ts';

const MAIN_REPORT_TYPES: Readonly<Record<number, HidReportType>> = {
  [Prefix.Input]: 'input',
  [Prefix.Output]: 'output',
  [Prefix.Feature]: 'feature',
};

const GLOBAL_VALUE_PREFIXES = new Set<number>([
  Prefix.UsagePage,
  Prefix.LogicalMinimum,
  Prefix.LogicalMaximum,
  Prefix.PhysicalMinimum,
  Prefix.PhysicalMaximum,
  Prefix.UnitExponent,
  Prefix.Unit,
  Prefix.ReportSize,
  Prefix.ReportCount,
]);

const LOCAL_VALUE_PREFIXES = new Set<number>([
  Prefix.Usage,
  Prefix.UsageMinimum,
  Prefix.UsageMaximum,
  Prefix.DesignatorIndex,
  Prefix.DesignatorMinimum,
  Prefix.DesignatorMaximum,
  Prefix.StringIndex,
  Prefix.StringMinimum,
  Prefix.StringMaximum,
]);

/**
 * Reads a descriptor with Chrome's state machine (services/device/hid/hid_collection.cc
 * BuildCollections), refusing — with a HidDescriptorError — what HID 1.11 forbids or what would cost
 * unbounded memory. Chrome silently tolerates most of those; see docs/hid.md for each difference.
 */
export function readCollections(bytes: Uint8Array): RawCollection[] {
  const reader = new DescriptorReader();
  for (const item of tokenizeDescriptor(bytes)) reader.read(item);
  reader.finish(bytes.length);
  return reader.topLevel;
}

class DescriptorReader {
  readonly topLevel: RawCollection[] = [];
  private readonly state = new ItemStateTable();
  private current: RawCollection | null = null;
  private depth = 0;
  /** Report ID is global but outside push/pop (Chrome keeps it beside the stack). */
  private reportId = 0;
  /** Push/pop as HID 1.11 counts them; Chrome's own stack may ignore a Push (see ItemStateTable). */
  private pushDepth = 0;
  private insideDelimiter = false;
  private collectionCount = 0;
  private mainItemCount = 0;
  private itemCopies = 0;
  private totalValues = 0;
  private readonly reportBits = new Map<string, number>();

  read(item: DescriptorItem): void {
    const reportType = MAIN_REPORT_TYPES[item.prefix];
    if (reportType) this.readReportItem(item, reportType);
    else if (GLOBAL_VALUE_PREFIXES.has(item.prefix)) this.state.setGlobal(item);
    else if (LOCAL_VALUE_PREFIXES.has(item.prefix)) this.readLocal(item);
    else this.readControlItem(item);
  }

  private readControlItem(item: DescriptorItem): void {
    switch (item.prefix) {
      case Prefix.Collection:
        this.openCollection(item);
        break;
      case Prefix.EndCollection:
        this.closeCollection(item);
        break;
      case Prefix.ReportId:
        this.readReportId(item);
        break;
      case Prefix.Push:
        this.push(item);
        break;
      case Prefix.Pop:
        this.pop(item);
        break;
      case Prefix.Delimiter:
        this.readDelimiter(item);
        break;
      default:
      // Long items, reserved tags and the 0x00 "default" main item (seen as trailing padding) are
      // skipped, as Chrome skips them.
    }
  }

  finish(length: number): void {
    if (this.depth !== 0) {
      throw new HidDescriptorError('unbalanced-collection', `${this.depth} collection(s) left open`, length);
    }
    if (this.pushDepth !== 0) {
      throw new HidDescriptorError(
        'unbalanced-push-pop',
        `${this.pushDepth} Push item(s) never popped`,
        length,
      );
    }
    if (this.insideDelimiter) {
      throw new HidDescriptorError('unbalanced-delimiter', 'delimiter set left open', length);
    }
  }

  private readLocal(item: DescriptorItem): void {
    if (item.prefix === Prefix.Usage && this.state.local.usages.length >= HID_LIMITS.maxUsagesPerItem) {
      throw new HidDescriptorError(
        'too-many-usages',
        `more than ${HID_LIMITS.maxUsagesPerItem} usages before one main item`,
        item.offset,
      );
    }
    this.state.setLocal(item);
  }

  private openCollection(item: DescriptorItem): void {
    this.depth++;
    this.collectionCount++;
    if (this.depth > HID_LIMITS.maxCollectionDepth) {
      throw new HidDescriptorError(
        'nesting-too-deep',
        `collections nested deeper than ${HID_LIMITS.maxCollectionDepth}`,
        item.offset,
      );
    }
    if (this.collectionCount > HID_LIMITS.maxCollections) {
      throw new HidDescriptorError(
        'too-many-items',
        `more than ${HID_LIMITS.maxCollections} collections`,
        item.offset,
      );
    }
    this.requireNoOpenDelimiter(item);
    const collection = this.newCollection(item.data);
    if (this.current) this.current.children.push(collection);
    else this.topLevel.push(collection);
    this.current = collection;
    this.state.resetLocal();
  }

  /** Chrome AddCollection: usage = first local usage; its page, else the global Usage Page. */
  private newCollection(type: number): RawCollection {
    const usage = this.state.local.usages[0] ?? 0;
    let usagePage = usage >>> 16;
    if (usagePage === 0 && this.state.globalStack.length > 0)
      usagePage = this.state.currentGlobals().usagePage;
    // mojom HidUsageAndPage holds two uint16 fields.
    return newRawCollection(this.current, usagePage & 0xffff, usage & 0xffff, type);
  }

  private closeCollection(item: DescriptorItem): void {
    if (this.depth === 0 || !this.current) {
      throw new HidDescriptorError(
        'unbalanced-collection',
        'End Collection without an open collection',
        item.offset,
      );
    }
    this.requireNoOpenDelimiter(item);
    this.current = this.current.parent;
    this.depth--;
    this.state.resetLocal();
  }

  private readReportItem(item: DescriptorItem, reportType: HidReportType): void {
    this.requireNoOpenDelimiter(item);
    if (++this.mainItemCount > HID_LIMITS.maxMainItems) {
      throw new HidDescriptorError(
        'too-many-items',
        `more than ${HID_LIMITS.maxMainItems} main items`,
        item.offset,
      );
    }
    // Chrome drops main items outside any collection (BuildCollections checks state.collection).
    if (this.current) {
      this.checkReportSize(item, reportType);
      const reportItem = toWebHidItem(item.data, this.state.local, this.state.currentGlobals());
      // Chrome appends the item to the current collection AND every ancestor.
      for (let collection: RawCollection | null = this.current; collection; collection = collection.parent) {
        if (++this.itemCopies > HID_LIMITS.maxItemCopies) {
          throw new HidDescriptorError(
            'too-many-items',
            `more than ${HID_LIMITS.maxItemCopies} report items counted over all collections`,
            item.offset,
          );
        }
        collection.reports[reportType].add(this.reportId & 0xff, reportItem);
      }
    }
    this.state.resetLocal();
  }

  private checkReportSize(item: DescriptorItem, reportType: HidReportType): void {
    const { reportSize, reportCount } = this.state.currentGlobals();
    if (reportSize > HID_LIMITS.maxFieldBits) {
      throw new HidDescriptorError(
        'field-too-large',
        `Report Size ${reportSize} exceeds ${HID_LIMITS.maxFieldBits} bits`,
        item.offset,
      );
    }
    const key = `${reportType}:${this.reportId}`;
    const bits = (this.reportBits.get(key) ?? 0) + reportSize * reportCount;
    if (bits > HID_LIMITS.maxReportBits) {
      throw new HidDescriptorError(
        'report-too-large',
        `${reportType} report ${this.reportId} exceeds ${HID_LIMITS.maxReportBits} bits`,
        item.offset,
      );
    }
    this.reportBits.set(key, bits);
    this.totalValues += reportCount * Math.max(1, Math.ceil(reportSize / 32));
    if (this.totalValues > HID_LIMITS.maxTotalValues) {
      throw new HidDescriptorError(
        'too-many-items',
        `more than ${HID_LIMITS.maxTotalValues} report fields in all reports`,
        item.offset,
      );
    }
  }

  private readReportId(item: DescriptorItem): void {
    if (item.data === 0 || item.data > 0xff) {
      throw new HidDescriptorError(
        'invalid-report-id',
        `Report ID ${item.data} is outside 1–255`,
        item.offset,
      );
    }
    // Chrome ignores a Report ID seen outside any collection.
    if (this.current) this.reportId = item.data;
  }

  private push(item: DescriptorItem): void {
    if (++this.pushDepth > HID_LIMITS.maxPushDepth) {
      throw new HidDescriptorError(
        'nesting-too-deep',
        `more than ${HID_LIMITS.maxPushDepth} nested Push items`,
        item.offset,
      );
    }
    this.state.push();
  }

  private pop(item: DescriptorItem): void {
    if (this.pushDepth === 0) {
      throw new HidDescriptorError('unbalanced-push-pop', 'Pop without a matching Push', item.offset);
    }
    this.pushDepth--;
    this.state.pop();
  }

  /** Delimiters only bracket alternative usages; Chrome keeps every usage of every alternative. */
  private readDelimiter(item: DescriptorItem): void {
    const opens = item.data === 1;
    if (opens === this.insideDelimiter || item.data > 1) {
      throw new HidDescriptorError('unbalanced-delimiter', `unexpected Delimiter(${item.data})`, item.offset);
    }
    this.insideDelimiter = opens;
  }

  private requireNoOpenDelimiter(item: DescriptorItem): void {
    if (this.insideDelimiter) {
      throw new HidDescriptorError('unbalanced-delimiter', 'main item inside a delimiter set', item.offset);
    }
  }
}
