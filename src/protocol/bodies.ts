import * as v from 'valibot';

/**
 * JSON bodies of the control frames. They are rare (once per peer or device), so JSON is fine here;
 * every body is validated against its schema before anyone uses it.
 */

const int = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
const u16 = int(0, 0xffff);
const u32 = int(0, 0xffffffff);
const i32 = int(-0x80000000, 0xffffffff);
const shortText = v.pipe(v.string(), v.maxLength(256));

const reportItemSchema = v.object({
  isAbsolute: v.boolean(),
  isArray: v.boolean(),
  isBufferedBytes: v.boolean(),
  isConstant: v.boolean(),
  isLinear: v.boolean(),
  isRange: v.boolean(),
  isVolatile: v.boolean(),
  hasNull: v.boolean(),
  hasPreferredState: v.boolean(),
  wrap: v.boolean(),
  // Like Chrome, an item carries either `usages` or a usage range, not both.
  usages: v.optional(v.pipe(v.array(u32), v.maxLength(4096))),
  usageMinimum: v.optional(u32),
  usageMaximum: v.optional(u32),
  reportSize: int(0, 256),
  reportCount: int(0, 65535),
  unitExponent: int(-8, 7),
  unitSystem: shortText,
  unitFactorLengthExponent: int(-8, 7),
  unitFactorMassExponent: int(-8, 7),
  unitFactorTimeExponent: int(-8, 7),
  unitFactorTemperatureExponent: int(-8, 7),
  unitFactorCurrentExponent: int(-8, 7),
  unitFactorLuminousIntensityExponent: int(-8, 7),
  logicalMinimum: i32,
  logicalMaximum: i32,
  physicalMinimum: i32,
  physicalMaximum: i32,
  strings: v.optional(v.array(v.string())),
});

const reportInfoSchema = v.object({
  reportId: int(0, 255),
  items: v.pipe(v.array(reportItemSchema), v.maxLength(4096)),
});
const reportList = v.pipe(v.array(reportInfoSchema), v.maxLength(256));

export interface CollectionBody {
  usagePage: number;
  usage: number;
  type: number;
  children: CollectionBody[];
  inputReports: v.InferOutput<typeof reportList>;
  outputReports: v.InferOutput<typeof reportList>;
  featureReports: v.InferOutput<typeof reportList>;
}

const collectionSchema: v.GenericSchema<CollectionBody> = v.object({
  usagePage: u16,
  usage: u16,
  type: int(0, 255),
  children: v.pipe(v.array(v.lazy(() => collectionSchema)), v.maxLength(256)),
  inputReports: reportList,
  outputReports: reportList,
  featureReports: reportList,
});

/** The PAKE a short code is proven with (transport/cpace.ts): named, so a future one is a clear mismatch. */
export const CODE_PAKE = 'cpace-ristretto255-sha512';

export const helloBodySchema = v.object({
  role: v.picklist(['sharer', 'receiver']),
  name: v.pipe(v.string(), v.maxLength(64)),
  capabilities: v.pipe(v.array(v.pipe(v.string(), v.maxLength(64))), v.maxLength(64)),
  /** The transform pipeline spec this end will run (see src/pipeline); empty means none. */
  pipeline: v.pipe(v.string(), v.maxLength(512)),
  /** How this end proves it knows the share secret, bound to this connection (see transport/auth). */
  auth: v.variant('method', [
    /** The link's 128-bit secret: an HMAC over the session id, role and both DTLS fingerprints. */
    v.object({ method: v.literal('link'), proof: v.pipe(v.string(), v.maxLength(128)) }),
    /** The short code's words: this end's CPace share (base64url, 32 bytes); AUTH_CONFIRM frames follow. */
    v.object({
      method: v.literal('code'),
      pake: v.literal(CODE_PAKE),
      share: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/)),
    }),
    v.object({ method: v.literal('none'), proof: v.pipe(v.string(), v.maxLength(128)) }),
  ]),
});
export type HelloBody = v.InferOutput<typeof helloBodySchema>;

export const deviceAnnouncementSchema = v.object({
  kind: v.literal('hid'),
  vendorId: u16,
  productId: u16,
  productName: v.pipe(v.string(), v.maxLength(256)),
  collections: v.pipe(v.array(collectionSchema), v.maxLength(256)),
  /**
   * The device's own report descriptor (lowercase hex), when the sharer has it: a replayed hid-recorder
   * file does, WebHID never does (the receiver then rebuilds one from `collections`). At most 4 KiB.
   * Optional, so receivers that predate it drop it and rebuild as before.
   */
  reportDescriptor: v.optional(v.pipe(v.string(), v.maxLength(8192), v.regex(/^(?:[0-9a-f]{2})+$/))),
});
export type DeviceAnnouncement = v.InferOutput<typeof deviceAnnouncementSchema>;
