/**
 * Plain-object mirrors of WebHID's dictionaries (https://wicg.github.io/webhid/#dom-hidcollectioninfo).
 * They are JSON-serialisable and carry exactly the members Chrome's blink sets, so a value built from a
 * raw descriptor and `HIDDevice.collections` from a real Chrome can be used interchangeably.
 */

export type HidUnitSystem =
  | 'none'
  | 'si-linear'
  | 'si-rotation'
  | 'english-linear'
  | 'english-rotation'
  | 'vendor-defined'
  | 'reserved';

export type HidReportType = 'input' | 'output' | 'feature';

export interface HidReportItem {
  hasNull: boolean;
  hasPreferredState: boolean;
  isAbsolute: boolean;
  isArray: boolean;
  isBufferedBytes: boolean;
  isConstant: boolean;
  isLinear: boolean;
  isRange: boolean;
  isVolatile: boolean;
  logicalMaximum: number;
  logicalMinimum: number;
  physicalMaximum: number;
  physicalMinimum: number;
  reportCount: number;
  reportSize: number;
  unitExponent: number;
  unitFactorCurrentExponent: number;
  unitFactorLengthExponent: number;
  unitFactorLuminousIntensityExponent: number;
  unitFactorMassExponent: number;
  unitFactorTemperatureExponent: number;
  unitFactorTimeExponent: number;
  unitSystem: HidUnitSystem;
  /** Present only when `isRange` is false: 32-bit usages, usage page in the upper 16 bits. */
  usages?: number[];
  /** Present only when `isRange` is true (32-bit, usage page in the upper 16 bits). */
  usageMaximum?: number;
  usageMinimum?: number;
  wrap: boolean;
  /** In the WebHID IDL but never set by Chrome (blink TODO); kept for foreign inputs. */
  strings?: string[];
  stringMinimum?: number;
  stringMaximum?: number;
  designators?: number[];
  designatorMinimum?: number;
  designatorMaximum?: number;
}

export interface HidReportInfo {
  items: HidReportItem[];
  reportId: number;
}

export interface HidCollectionInfo {
  children: HidCollectionInfo[];
  featureReports: HidReportInfo[];
  inputReports: HidReportInfo[];
  outputReports: HidReportInfo[];
  type: number;
  usage: number;
  usagePage: number;
}

/** Bit layout of one report (the report ID byte, if any, is not counted). */
export interface ReportLayout {
  readonly reportType: HidReportType;
  readonly reportId: number;
  readonly bitLength: number;
  readonly byteLength: number;
  /** The report's main items in wire order, with their first bit. */
  readonly fields: readonly LayoutField[];
  /** Number of values `decodeReportInto` writes (one per ≤32-bit segment). */
  readonly valueCount: number;
  /** Flattened segments: each is at most 32 bits wide. */
  readonly segmentBitOffset: Uint32Array;
  readonly segmentBitSize: Uint8Array;
  /** 1 when the segment is sign-extended (logical minimum < 0 and field ≤ 32 bits). */
  readonly segmentSigned: Uint8Array;
}

export interface LayoutField {
  readonly item: HidReportItem;
  readonly bitOffset: number;
  /** Index of this field's first value/segment in the flattened value array. */
  readonly firstValue: number;
  /** Values per report slot: 1 for fields ≤ 32 bits, ⌈size/32⌉ otherwise. */
  readonly segmentsPerSlot: number;
}

export interface HidDescriptorModel {
  /** Chrome-exact collections (before blink's protected-usage filter). */
  readonly collections: HidCollectionInfo[];
  readonly usesReportIds: boolean;
  readonly reports: Readonly<Record<HidReportType, ReadonlyMap<number, ReportLayout>>>;
}
