/** USB/IP constants (Linux Documentation/usb/usbip_protocol.rst, protocol v1.1.1). */

export const USBIP_VERSION = 0x0111;
export const USBIP_DEFAULT_PORT = 3240;

export const OpCode = {
  reqDevlist: 0x8005,
  repDevlist: 0x0005,
  reqImport: 0x8003,
  repImport: 0x0003,
} as const;

/** op_common.status of replies. */
export const OpStatus = { ok: 0, error: 1 } as const;

export const UrbCommand = { cmdSubmit: 1, cmdUnlink: 2, retSubmit: 3, retUnlink: 4 } as const;

export const UrbDirection = { out: 0, in: 1 } as const;

/** Linux `enum usb_device_speed`. */
export const UsbipSpeed = { full: 2 } as const;

/** URB status values are negative Linux errnos, as vhci-hcd hands them to the USB core. */
export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  ENOMEM: 12,
  EINVAL: 22,
  EPIPE: 32,
  ENODEV: 19,
  EOVERFLOW: 75,
  ECONNRESET: 104,
  ESHUTDOWN: 108,
  ETIMEDOUT: 110,
} as const;

/** number_of_packets of a transfer that is not isochronous (Linux sends 0, the spec says 0xffffffff). */
export const NOT_ISO = 0xffffffff;

export const UsbipLimits = {
  /** Larger than any HID transfer (hidraw caps reports at 16 KiB; wLength at 64 KiB). */
  maxTransferBufferLength: 65_536,
  /** Linux USBIP_MAX_ISO_PACKETS. */
  maxIsoPackets: 1024,
} as const;
