import { type DescriptorItem, Prefix, signedData, tokenizeDescriptor } from '../../../src/hid/items.ts';

/**
 * A test-side model of how Linux hid-core (drivers/hid/hid-core.c, hid_open_report) reads the items that
 * decide a field's place and range. It exists to check the rebuilt descriptor against the original *as
 * the kernel sees both*, which Chrome's reading (src/hid/parser.ts) cannot tell us: the two parsers
 * disagree on signedness, the global stack and usage pages.
 *
 * Modelled: item_udata / item_sdata; hid_parser_global (Logical/Physical Maximum read signed only when the
 * minimum current at that moment is negative, else unsigned into an s32; Report ID lives in the pushed
 * global state); hid_parser_local (usage page completion, Usage Minimum/Maximum expansion, only the first
 * delimiter alternative); hid_concatenate_last_usage_page; hid_add_field (the logical range check, bit
 * offsets per report, padding fields without usages ignored). Not modelled: anything hid-input does later.
 */
export interface KernelRange {
  /** As hid_add_field compares them: signed when the minimum is negative, else the maximum as __u32. */
  readonly minimum: number;
  readonly maximum: number;
}

export interface KernelField {
  readonly type: 'input' | 'output' | 'feature';
  readonly reportId: number;
  readonly bitOffset: number;
  readonly reportSize: number;
  readonly reportCount: number;
  /** The field's first usage, page << 16 | id, after the kernel's page completion. */
  readonly usage: number;
  readonly logical: KernelRange;
  readonly physical: KernelRange;
}

/** hid_open_report fails the whole device when a field's logical range is inverted. */
export class KernelParseError extends Error {}

interface KernelGlobals {
  usagePage: number;
  logicalMinimum: number;
  logicalMaximum: number;
  physicalMinimum: number;
  physicalMaximum: number;
  reportSize: number;
  reportCount: number;
  reportId: number;
}

interface KernelUsage {
  value: number;
  size: number;
}

const REPORT_TYPES: Readonly<Record<number, KernelField['type']>> = {
  [Prefix.Input]: 'input',
  [Prefix.Output]: 'output',
  [Prefix.Feature]: 'feature',
};

export function kernelFields(descriptor: Uint8Array): KernelField[] {
  const reader = new KernelReader();
  for (const item of tokenizeDescriptor(descriptor)) reader.read(item);
  return reader.fields;
}

class KernelReader {
  readonly fields: KernelField[] = [];
  private global: KernelGlobals = {
    usagePage: 0,
    logicalMinimum: 0,
    logicalMaximum: 0,
    physicalMinimum: 0,
    physicalMaximum: 0,
    reportSize: 0,
    reportCount: 0,
    reportId: 0,
  };
  private readonly stack: KernelGlobals[] = [];
  private usages: KernelUsage[] = [];
  private usageMinimum = 0;
  private delimiterBranch = 0;
  private readonly reportBits = new Map<string, number>();

  read(item: DescriptorItem): void {
    if (item.prefix === 0xfc) return; // long items: skipped (hid_parser_reserved)
    const type = (item.prefix >> 2) & 0x03;
    if (type === 0) this.readMain(item);
    else if (type === 1) this.readGlobal(item);
    else if (type === 2) this.readLocal(item);
  }

  private readGlobal(item: DescriptorItem): void {
    const g = this.global;
    const udata = item.data | 0; // stored into an s32
    switch (item.prefix) {
      case Prefix.Push:
        this.stack.push({ ...g });
        return;
      case Prefix.Pop: {
        const top = this.stack.pop();
        if (!top) throw new KernelParseError('global environment stack underflow');
        this.global = top;
        return;
      }
      case Prefix.UsagePage:
        g.usagePage = item.data;
        return;
      case Prefix.LogicalMinimum:
        g.logicalMinimum = signedData(item);
        return;
      case Prefix.LogicalMaximum:
        g.logicalMaximum = g.logicalMinimum < 0 ? signedData(item) : udata;
        return;
      case Prefix.PhysicalMinimum:
        g.physicalMinimum = signedData(item);
        return;
      case Prefix.PhysicalMaximum:
        g.physicalMaximum = g.physicalMinimum < 0 ? signedData(item) : udata;
        return;
      case Prefix.ReportSize:
        g.reportSize = item.data;
        return;
      case Prefix.ReportCount:
        g.reportCount = item.data;
        return;
      case Prefix.ReportId:
        g.reportId = item.data;
    }
  }

  private readLocal(item: DescriptorItem): void {
    switch (item.prefix) {
      case Prefix.Delimiter:
        if (item.data) this.delimiterBranch++;
        return;
      case Prefix.Usage:
        if (this.delimiterBranch <= 1) this.addUsage(item.data, item.size);
        return;
      case Prefix.UsageMinimum:
        if (this.delimiterBranch <= 1) this.usageMinimum = item.data;
        return;
      case Prefix.UsageMaximum:
        if (this.delimiterBranch > 1) return;
        for (let usage = this.usageMinimum; usage <= item.data; usage++) this.addUsage(usage, item.size);
    }
  }

  /** hid_add_usage: an id of ≤ 2 bytes is completed with the page current now. */
  private addUsage(value: number, size: number): void {
    this.usages.push({ value: size <= 2 ? this.completed(value) : value, size });
  }

  private completed(value: number): number {
    return (((this.global.usagePage & 0xffff) << 16) | (value & 0xffff)) >>> 0;
  }

  private readMain(item: DescriptorItem): void {
    this.concatenateLastUsagePage();
    const type = REPORT_TYPES[item.prefix];
    if (type) this.addField(type);
    this.usages = [];
    this.usageMinimum = 0;
    this.delimiterBranch = 0;
  }

  /** hid_concatenate_last_usage_page: a Usage Page after the usages re-pages them, back to front. */
  private concatenateLastUsagePage(): void {
    for (let i = this.usages.length - 1; i >= 0; i--) {
      const usage = this.usages[i]!;
      if (usage.size > 2) continue;
      if (usage.value >>> 16 === this.global.usagePage) break;
      usage.value = this.completed(usage.value);
    }
  }

  private addField(type: KernelField['type']): void {
    const g = this.global;
    if (!validLogicalRange(g)) {
      throw new KernelParseError(`logical range invalid ${g.logicalMinimum} ${g.logicalMaximum}`);
    }
    const key = `${type}:${g.reportId}`;
    const bitOffset = this.reportBits.get(key) ?? 0;
    this.reportBits.set(key, bitOffset + g.reportSize * g.reportCount);
    if (this.usages.length === 0) return; // padding
    this.fields.push({
      type,
      reportId: g.reportId,
      bitOffset,
      reportSize: g.reportSize,
      reportCount: g.reportCount,
      usage: this.usages[0]!.value,
      logical: kernelRange(g.logicalMinimum, g.logicalMaximum),
      physical: kernelRange(g.physicalMinimum, g.physicalMaximum),
    });
  }
}

function kernelRange(minimum: number, maximum: number): KernelRange {
  return { minimum, maximum: minimum < 0 ? maximum : maximum >>> 0 };
}

function validLogicalRange(g: KernelGlobals): boolean {
  const { minimum, maximum } = kernelRange(g.logicalMinimum, g.logicalMaximum);
  return minimum < 0 ? maximum >= minimum : maximum >= minimum >>> 0;
}

/**
 * The values a field can carry as hid-core extracts them (hid_field_extract reads at most 32 bits;
 * snto32 sign-extends when the logical minimum is negative).
 */
export function representableRange(field: KernelField): KernelRange {
  const bits = Math.min(field.reportSize, 32);
  if (bits === 0) return { minimum: 0, maximum: 0 };
  if (field.logical.minimum < 0) return { minimum: -(2 ** (bits - 1)), maximum: 2 ** (bits - 1) - 1 };
  return { minimum: 0, maximum: 2 ** bits - 1 };
}
