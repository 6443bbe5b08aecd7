/**
 * struct uhid_event from include/uapi/linux/uhid.h, declared once. All integers are in HOST byte
 * order (the kernel copies the struct as is); the struct is packed. Offsets are from the start of the
 * event: a u32 `type`, then the union `u` at PAYLOAD.
 */
import { endianness } from 'node:os';

export const HOST_LITTLE_ENDIAN = endianness() === 'LE';

export const UHID_DATA_MAX = 4096;
export const HID_MAX_DESCRIPTOR_SIZE = 4096;
/**
 * sizeof(struct uhid_event) = 4380: the u32 type + the union. The largest member, uhid_create2_req,
 * is 4372 bytes, but the union itself is not packed and holds `struct uhid_start_req { __u64 }`, so
 * it is 8-aligned and rounds up to 4376. Every read(2) of /dev/uhid returns exactly this many bytes
 * (checked with gcc's sizeof and in the VM).
 */
export const UHID_EVENT_SIZE = 4380;

export const UhidEventType = {
  DESTROY: 1,
  START: 2,
  STOP: 3,
  OPEN: 4,
  CLOSE: 5,
  OUTPUT: 6,
  GET_REPORT: 9,
  GET_REPORT_REPLY: 10,
  CREATE2: 11,
  INPUT2: 12,
  SET_REPORT: 13,
  SET_REPORT_REPLY: 14,
} as const;

/** enum uhid_report_type */
export const UhidReportType = { FEATURE: 0, OUTPUT: 1, INPUT: 2 } as const;
export type UhidReportType = (typeof UhidReportType)[keyof typeof UhidReportType];

/** enum uhid_dev_flag, in UHID_START's dev_flags: which report types carry a report-number prefix. */
export const UhidDevFlag = { NUMBERED_FEATURE: 1, NUMBERED_OUTPUT: 2, NUMBERED_INPUT: 4 } as const;

export const BUS_USB = 0x03;
export const BUS_BLUETOOTH = 0x05;

const PAYLOAD = 4;

export const Layout = {
  type: 0, // u32
  create2: {
    name: { offset: PAYLOAD + 0, length: 128 },
    phys: { offset: PAYLOAD + 128, length: 64 },
    uniq: { offset: PAYLOAD + 192, length: 64 },
    rdSize: PAYLOAD + 256, // u16
    bus: PAYLOAD + 258, // u16
    vendor: PAYLOAD + 260, // u32
    product: PAYLOAD + 264, // u32
    version: PAYLOAD + 268, // u32
    country: PAYLOAD + 272, // u32
    rdData: PAYLOAD + 276, // u8[HID_MAX_DESCRIPTOR_SIZE]
  },
  start: { devFlags: PAYLOAD + 0 }, // u64 (only the low bits are defined)
  input2: { size: PAYLOAD + 0, data: PAYLOAD + 2 }, // u16, u8[UHID_DATA_MAX]
  output: { data: PAYLOAD + 0, size: PAYLOAD + 4096, rtype: PAYLOAD + 4098 }, // u8[4096], u16, u8
  getReport: { id: PAYLOAD + 0, rnum: PAYLOAD + 4, rtype: PAYLOAD + 5 }, // u32, u8, u8
  getReportReply: { id: PAYLOAD + 0, err: PAYLOAD + 4, size: PAYLOAD + 6, data: PAYLOAD + 8 }, // u32, u16, u16, u8[]
  setReport: { id: PAYLOAD + 0, rnum: PAYLOAD + 4, rtype: PAYLOAD + 5, size: PAYLOAD + 6, data: PAYLOAD + 8 },
  setReportReply: { id: PAYLOAD + 0, err: PAYLOAD + 4 }, // u32, u16
} as const;
