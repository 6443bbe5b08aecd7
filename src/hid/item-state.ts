import { type DescriptorItem, Prefix, signedData } from './items.ts';

/**
 * The HID item state table as Chrome keeps it (services/device/hid/hid_item_state_table.cc). Values are
 * stored exactly as Chrome stores them, including its departures from HID 1.11 (see docs/hid.md).
 */
export interface GlobalState {
  usagePage: number;
  logicalMinimum: number;
  logicalMaximum: number;
  physicalMinimum: number;
  physicalMaximum: number;
  unitExponent: number;
  unit: number;
  reportSize: number;
  reportCount: number;
}

export interface LocalState {
  usages: number[];
  usageMinimum: number;
  usageMaximum: number;
  designatorIndex: number;
  designatorMinimum: number;
  designatorMaximum: number;
  stringIndex: number;
  stringMinimum: number;
  stringMaximum: number;
}

export function emptyGlobalState(): GlobalState {
  return {
    usagePage: 0,
    logicalMinimum: 0,
    logicalMaximum: 0,
    physicalMinimum: 0,
    physicalMaximum: 0,
    unitExponent: 0,
    unit: 0,
    reportSize: 0,
    reportCount: 0,
  };
}

export function emptyLocalState(): LocalState {
  return {
    usages: [],
    usageMinimum: 0,
    usageMaximum: 0,
    designatorIndex: 0,
    designatorMinimum: 0,
    designatorMaximum: 0,
    stringIndex: 0,
    stringMinimum: 0,
    stringMaximum: 0,
  };
}

/**
 * Chrome's global stack starts EMPTY and gains its first entry on the first global item; Push on an
 * empty stack is ignored and Pop of the last entry returns every global to its default.
 */
export class ItemStateTable {
  readonly globalStack: GlobalState[] = [];
  local: LocalState = emptyLocalState();

  currentGlobals(): GlobalState {
    return this.globalStack[this.globalStack.length - 1] ?? emptyGlobalState();
  }

  push(): void {
    const top = this.globalStack[this.globalStack.length - 1];
    if (top) this.globalStack.push({ ...top });
  }

  pop(): void {
    this.globalStack.pop();
  }

  resetLocal(): void {
    this.local = emptyLocalState();
  }

  setGlobal(item: DescriptorItem): void {
    if (this.globalStack.length === 0) this.globalStack.push(emptyGlobalState());
    const global = this.globalStack[this.globalStack.length - 1]!;
    switch (item.prefix) {
      case Prefix.UsagePage:
        global.usagePage = item.data;
        break;
      case Prefix.LogicalMinimum:
        global.logicalMinimum = signedData(item);
        break;
      case Prefix.LogicalMaximum:
        global.logicalMaximum = signedData(item);
        break;
      case Prefix.PhysicalMinimum:
        global.physicalMinimum = signedData(item);
        break;
      case Prefix.PhysicalMaximum:
        global.physicalMaximum = signedData(item);
        break;
      case Prefix.UnitExponent:
        global.unitExponent = item.data;
        break;
      case Prefix.Unit:
        global.unit = item.data;
        break;
      case Prefix.ReportSize:
        global.reportSize = item.data;
        break;
      case Prefix.ReportCount:
        global.reportCount = item.data;
        break;
    }
  }

  setLocal(item: DescriptorItem): void {
    const local = this.local;
    switch (item.prefix) {
      case Prefix.Usage:
        local.usages.push(this.extendedUsage(item.data));
        break;
      case Prefix.UsageMinimum:
        local.usageMinimum = this.extendedUsage(item.data);
        break;
      case Prefix.UsageMaximum:
        local.usageMaximum = this.extendedUsage(item.data);
        break;
      case Prefix.DesignatorIndex:
        local.designatorIndex = item.data;
        break;
      case Prefix.DesignatorMinimum:
        local.designatorMinimum = item.data;
        break;
      case Prefix.DesignatorMaximum:
        local.designatorMaximum = item.data;
        break;
      case Prefix.StringIndex:
        local.stringIndex = item.data;
        break;
      case Prefix.StringMinimum:
        local.stringMinimum = item.data;
        break;
      case Prefix.StringMaximum:
        local.stringMaximum = item.data;
        break;
    }
  }

  /**
   * Chrome: MaybeCombineUsageAndUsagePage. The page is taken when the Usage item is read (not at the main
   * item), a value above 0xFFFF is kept as an extended usage whatever its item size, and a 4-byte usage
   * ≤ 0xFFFF is still combined with the current page.
   */
  private extendedUsage(usage: number): number {
    if (usage > 0xffff || this.globalStack.length === 0) return usage;
    return ((this.currentGlobals().usagePage << 16) | usage) >>> 0;
  }
}
