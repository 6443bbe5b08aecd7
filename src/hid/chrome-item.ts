import type { GlobalState, LocalState } from './item-state.ts';
import type { HidReportItem, HidUnitSystem } from './types.ts';

/** Main item data bits (HID 1.11 §6.2.2.5), as Chrome's ReportInfo bitfield names them. */
const Bit = {
  constant: 1 << 0,
  variable: 1 << 1,
  relative: 1 << 2,
  wrap: 1 << 3,
  nonLinear: 1 << 4,
  noPreferredState: 1 << 5,
  nullState: 1 << 6,
  volatile: 1 << 7,
  bufferedBytes: 1 << 8,
} as const;

/**
 * One Input/Output/Feature item as blink exposes it: services/device/hid/hid_report_item.cc (state
 * snapshot, is_range) followed by blink's HIDDevice::ToHIDReportItem (flag inversion, 32-bit usages,
 * unit unpacking). Keys are in lexicographic order, the order WebIDL dictionaries reach script in.
 */
export function toWebHidItem(mainData: number, local: LocalState, global: GlobalState): HidReportItem {
  // Chrome compares the page-combined 32-bit values: Usage Minimum == Usage Maximum is "not a range".
  const isRange = local.usageMinimum !== local.usageMaximum;
  const unit = unpackUnit(global.unit);
  const item: HidReportItem = {
    hasNull: (mainData & Bit.nullState) !== 0,
    hasPreferredState: (mainData & Bit.noPreferredState) === 0,
    isAbsolute: (mainData & Bit.relative) === 0,
    isArray: (mainData & Bit.variable) === 0,
    isBufferedBytes: (mainData & Bit.bufferedBytes) !== 0,
    isConstant: (mainData & Bit.constant) !== 0,
    isLinear: (mainData & Bit.nonLinear) === 0,
    isRange,
    isVolatile: (mainData & Bit.volatile) !== 0,
    logicalMaximum: global.logicalMaximum,
    logicalMinimum: global.logicalMinimum,
    physicalMaximum: global.physicalMaximum,
    physicalMinimum: global.physicalMinimum,
    reportCount: global.reportCount,
    reportSize: global.reportSize,
    unitExponent: unitNibbleToInt(global.unitExponent & 0x0f),
    ...unit,
    wrap: (mainData & Bit.wrap) !== 0,
  };
  return isRange ? withRange(item, local) : withUsages(item, local);
}

function withRange(item: HidReportItem, local: LocalState): HidReportItem {
  const { wrap, ...rest } = item;
  return { ...rest, usageMaximum: local.usageMaximum >>> 0, usageMinimum: local.usageMinimum >>> 0, wrap };
}

function withUsages(item: HidReportItem, local: LocalState): HidReportItem {
  const { wrap, ...rest } = item;
  return { ...rest, usages: local.usages.map((usage) => usage >>> 0), wrap };
}

/** The inverse of `toWebHidItem`'s flag mapping, for synthesis. */
export function mainDataOf(item: HidReportItem): number {
  let data = 0;
  if (item.isConstant) data |= Bit.constant;
  if (!item.isArray) data |= Bit.variable;
  if (!item.isAbsolute) data |= Bit.relative;
  if (item.wrap) data |= Bit.wrap;
  if (!item.isLinear) data |= Bit.nonLinear;
  if (!item.hasPreferredState) data |= Bit.noPreferredState;
  if (item.hasNull) data |= Bit.nullState;
  if (item.isVolatile) data |= Bit.volatile;
  if (item.isBufferedBytes) data |= Bit.bufferedBytes;
  return data;
}

type UnitFields = Pick<
  HidReportItem,
  | 'unitFactorCurrentExponent'
  | 'unitFactorLengthExponent'
  | 'unitFactorLuminousIntensityExponent'
  | 'unitFactorMassExponent'
  | 'unitFactorTemperatureExponent'
  | 'unitFactorTimeExponent'
  | 'unitSystem'
>;

const UNIT_SYSTEMS: Readonly<Record<number, HidUnitSystem>> = {
  0: 'none',
  1: 'si-linear',
  2: 'si-rotation',
  3: 'english-linear',
  4: 'english-rotation',
  15: 'vendor-defined',
};

/** blink UnpackUnitValues: nibble 0 is the system, nibbles 1–6 the length…luminous-intensity exponents. */
export function unpackUnit(unit: number): UnitFields {
  const nibble = (index: number) => unitNibbleToInt((unit >>> (4 * index)) & 0x0f);
  return {
    unitFactorCurrentExponent: nibble(5),
    unitFactorLengthExponent: nibble(1),
    unitFactorLuminousIntensityExponent: nibble(6),
    unitFactorMassExponent: nibble(2),
    unitFactorTemperatureExponent: nibble(4),
    unitFactorTimeExponent: nibble(3),
    unitSystem: UNIT_SYSTEMS[unit & 0x0f] ?? 'reserved',
  };
}

/** The inverse of `unpackUnit` (reserved systems come back as 0x5, which blink also calls 'reserved'). */
export function packUnit(item: HidReportItem): number {
  const exponents = [
    item.unitFactorLengthExponent,
    item.unitFactorMassExponent,
    item.unitFactorTimeExponent,
    item.unitFactorTemperatureExponent,
    item.unitFactorCurrentExponent,
    item.unitFactorLuminousIntensityExponent,
  ];
  let unit = systemNibble(item.unitSystem);
  exponents.forEach((exponent, index) => {
    unit += intToUnitNibble(exponent) * 16 ** (index + 1);
  });
  return unit;
}

function systemNibble(system: HidUnitSystem): number {
  for (const [nibble, name] of Object.entries(UNIT_SYSTEMS)) if (name === system) return Number(nibble);
  return 0x5;
}

/**
 * blink UnitFactorExponentToInt: nibbles 0x9–0xF are −7…−1, but 0x8 is returned as +8 (blink tests
 * `> 0x08`), so −8 is unrepresentable and 8 round-trips through nibble 0x8.
 */
export function unitNibbleToInt(nibble: number): number {
  return nibble > 0x08 ? nibble - 16 : nibble;
}

export function intToUnitNibble(exponent: number): number {
  return exponent < 0 ? (exponent + 16) & 0x0f : exponent & 0x0f;
}
