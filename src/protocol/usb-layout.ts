/**
 * Ferry's generic-USB frames (issue 6), declared once. Every multi-byte field is LITTLE-ENDIAN, like the
 * HID frames in layout.ts; byte 0 is the frame type, byte 1 the device channel.
 *
 *   USB_ANNOUNCE       type u8 | device u8 | activeConfiguration u8 | 0 u8 | descriptor entries:
 *                        descriptorType u8 | index u8 | langId u16 | length u16 | raw descriptor bytes
 *   USB_CONTROL        type u8 | device u8 | 0 u16 | requestId u32 |
 *                        bmRequestType u8 | bRequest u8 | wValue u16 | wIndex u16 | wLength u16 | OUT data
 *   USB_TRANSFER       type u8 | device u8 | endpoint u8 | 0 u8 | requestId u32 | length u32 | OUT data
 *   USB_ISO            type u8 | device u8 | endpoint u8 | 0 u8 | requestId u32 | packetCount u16 | 0 u16 |
 *                        packetLength u32 × packetCount | OUT data (exactly the sum of the lengths)
 *   USB_COMMAND        type u8 | device u8 | command u8 | 0 u8 | requestId u32 | argument u32
 *   USB_COMPLETION     type u8 | device u8 | status u8 | 0 u8 | requestId u32 | actualLength u32 | IN data
 *   USB_ISO_COMPLETION type u8 | device u8 | status u8 | 0 u8 | requestId u32 | packetCount u16 | 0 u16 |
 *                        (status u8 | 0 u8 ×3 | actualLength u32) × packetCount | IN data, packets back to back
 *
 * `endpoint` is a USB endpoint address: bit 7 set = IN. A control transfer's direction is bit 7 of
 * bmRequestType; its OUT data is exactly wLength bytes. IN data is at most the requested length.
 */
export const UsbFrameType = {
  Announce: 0x20,
  Control: 0x21,
  Transfer: 0x22,
  Isochronous: 0x23,
  Command: 0x24,
  Completion: 0x28,
  IsochronousCompletion: 0x29,
} as const;
export type UsbFrameType = (typeof UsbFrameType)[keyof typeof UsbFrameType];

/** The range reserved for USB frames; the decoder dispatches everything in it here. */
export const USB_FRAME_RANGE = { first: 0x20, last: 0x2f } as const;

export const USB_ANNOUNCE_HEADER = 4;
export const USB_DESCRIPTOR_ENTRY_HEADER = 6;
export const USB_CONTROL_HEADER = 16;
export const USB_TRANSFER_HEADER = 12;
export const USB_ISO_HEADER = 12;
export const USB_ISO_PACKET_LENGTH_BYTES = 4;
export const USB_COMMAND_LENGTH = 12;
export const USB_COMPLETION_HEADER = 12;
export const USB_ISO_PACKET_RESULT_BYTES = 8;

export const UsbLimits = {
  /** One transfer's data: the largest wLength, and what a data channel message carries comfortably. */
  maxTransferBytes: 64 * 1024,
  /** Linux USBIP_MAX_ISO_PACKETS; enough for any isochronous URB a host submits. */
  maxIsoPackets: 1024,
  /** Descriptors announced per device (device, configurations, BOS, strings in every language). */
  maxDescriptors: 512,
  maxAnnounceBytes: 256 * 1024,
} as const;

/**
 * The largest USB frame of any type: an announcement (its cap counts the whole frame); the largest
 * transfer frame, an isochronous completion with every packet, stays below it. The pipeline's frame cap
 * is at least this.
 */
export const MAX_USB_FRAME_BYTES = Math.max(
  UsbLimits.maxAnnounceBytes,
  USB_ISO_HEADER + UsbLimits.maxIsoPackets * USB_ISO_PACKET_RESULT_BYTES + UsbLimits.maxTransferBytes,
);

/**
 * How a request ended. `ok`/`stall`/`babble` are WebUSB's USBTransferStatus; the rest come from the
 * DOMException a WebUSB call rejected with (or from Ferry itself: `timeout`, `busy`).
 */
export const UsbStatus = {
  Ok: 0,
  Stall: 1,
  Babble: 2,
  /** The transfer failed on the wire or the call was refused (NetworkError, InvalidStateError, …). */
  Error: 3,
  /** Cancelled by the receiver, or aborted on the sharer (AbortError). */
  Cancelled: 4,
  /** No completion within the requester's deadline (or a TimeoutError). */
  Timeout: 5,
  /** The device was unplugged or the share ended (Chrome: NotFoundError "The device was disconnected."). */
  Disconnected: 6,
  /** Too many requests in flight; nothing was sent to the device. */
  Busy: 7,
  /** The sharer's grant to this receiver does not cover the request; nothing was sent to the device. */
  NotAllowed: 8,
} as const;
export type UsbStatusCode = (typeof UsbStatus)[keyof typeof UsbStatus];
export type UsbStatusName =
  | 'ok'
  | 'stall'
  | 'babble'
  | 'error'
  | 'cancelled'
  | 'timeout'
  | 'disconnected'
  | 'busy'
  | 'not-allowed';

export const USB_STATUS_NAMES: readonly UsbStatusName[] = [
  'ok',
  'stall',
  'babble',
  'error',
  'cancelled',
  'timeout',
  'disconnected',
  'busy',
  'not-allowed',
];

export const usbStatusCode = (name: UsbStatusName): UsbStatusCode =>
  USB_STATUS_NAMES.indexOf(name) as UsbStatusCode;

export const UsbCommand = {
  /** argument: endpoint address (bit 7 = IN). */
  ClearHalt: 1,
  Reset: 2,
  /** argument: bConfigurationValue. */
  SelectConfiguration: 3,
  /** argument: interface number | alternate setting << 8. */
  SelectAlternate: 4,
  /** argument: the requestId to cancel. The cancelled request completes with `cancelled`. */
  Cancel: 5,
} as const;
export type UsbCommandCode = (typeof UsbCommand)[keyof typeof UsbCommand];

export const ENDPOINT_DIRECTION_IN = 0x80;
