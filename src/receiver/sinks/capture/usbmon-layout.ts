/**
 * Linux usbmon's binary record, as `LINKTYPE_USB_LINUX_MMAPPED` (220) carries it: the 64-byte
 * `struct usbmon_packet` of Documentation/usb/usbmon.rst ("Raw binary format and API"), then one
 * 16-byte `struct usbmon_isodesc` per isochronous packet, then the captured data. In a pcapng file the
 * numbers follow the section's byte order (little-endian here), as Wireshark's usbmon dissector expects.
 * Platform-free.
 */
import { struct } from '../usb/struct.ts';

export const LINKTYPE_USB_LINUX_MMAPPED = 220;

export const UsbmonHeader = struct({
  /** The URB's id: the same on its submission and its completion (the kernel uses its address). */
  id: 'u64le',
  /** 'S' submission, 'C' completion, 'E' submission error. */
  type: 'u8',
  /** 0 isochronous, 1 interrupt, 2 control, 3 bulk. */
  transferType: 'u8',
  /** Endpoint number, bit 7 set for IN (control: the direction of its data stage). */
  endpoint: 'u8',
  device: 'u8',
  bus: 'u16le',
  /** 0 when `setup` holds a SETUP packet (control submissions only), '-' otherwise. */
  flagSetup: 'u8',
  /** 0 when data follows (or none was due); '<' an IN submission, '>' an OUT completion. */
  flagData: 'u8',
  /** Seconds since the epoch (the kernel's s64; never negative here). */
  timestampSeconds: 'u64le',
  timestampMicros: 'i32le',
  /** 0 or a negative errno; a submission says -EINPROGRESS. */
  status: 'i32le',
  /** The URB's length: requested on a submission, actual on a completion. */
  length: 'u32le',
  /** Bytes of data captured after the header and the isochronous descriptors. */
  capturedLength: 'u32le',
  /** A control submission's SETUP packet; for isochronous URBs error_count i32 | numdesc i32. */
  setup: { bytes: 8 },
  /** Interrupt and isochronous: the endpoint's polling interval. */
  interval: 'i32le',
  startFrame: 'i32le',
  /** The URB's transfer_flags (URB_DIR_IN 0x200 for IN). */
  transferFlags: 'u32le',
  /** How many isochronous descriptors follow the header. */
  isoDescriptorCount: 'u32le',
});

export const UsbmonIsoDescriptor = struct({
  status: 'i32le',
  offset: 'u32le',
  length: 'u32le',
  padding: 'u32le',
});

export const UsbmonEvent = { submission: 0x53, completion: 0x43, error: 0x45 } as const;
export type UsbmonEventCode = (typeof UsbmonEvent)[keyof typeof UsbmonEvent];

export const UsbmonTransfer = { isochronous: 0, interrupt: 1, control: 2, bulk: 3 } as const;
export type UsbmonTransferType = (typeof UsbmonTransfer)[keyof typeof UsbmonTransfer];

export const FLAG_NONE = 0x2d; // '-'
export const FLAG_DATA_IN_FUTURE = 0x3c; // '<'
export const FLAG_DATA_OUT_DONE = 0x3e; // '>'
export const URB_DIR_IN = 0x0200;
export const EINPROGRESS = 115;
