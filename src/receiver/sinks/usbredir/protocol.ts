/** usbredir protocol 0.7 constants (spice-usbredir docs/usb-redirection-protocol.md, usbredirproto.h). */

export const PacketType = {
  hello: 0,
  deviceConnect: 1,
  deviceDisconnect: 2,
  reset: 3,
  interfaceInfo: 4,
  epInfo: 5,
  setConfiguration: 6,
  getConfiguration: 7,
  configurationStatus: 8,
  setAltSetting: 9,
  getAltSetting: 10,
  altSettingStatus: 11,
  startIsoStream: 12,
  stopIsoStream: 13,
  isoStreamStatus: 14,
  startInterruptReceiving: 15,
  stopInterruptReceiving: 16,
  interruptReceivingStatus: 17,
  allocBulkStreams: 18,
  freeBulkStreams: 19,
  bulkStreamsStatus: 20,
  cancelDataPacket: 21,
  filterReject: 22,
  filterFilter: 23,
  deviceDisconnectAck: 24,
  startBulkReceiving: 25,
  stopBulkReceiving: 26,
  bulkReceivingStatus: 27,
  controlPacket: 100,
  bulkPacket: 101,
  isoPacket: 102,
  interruptPacket: 103,
  bufferedBulkPacket: 104,
} as const;

export const Cap = {
  bulkStreams: 0,
  connectDeviceVersion: 1,
  filter: 2,
  deviceDisconnectAck: 3,
  epInfoMaxPacketSize: 4,
  ids64Bits: 5,
  bulkLength32Bits: 6,
  bulkReceiving: 7,
} as const;

export const Status = {
  success: 0,
  cancelled: 1,
  inval: 2,
  ioerror: 3,
  stall: 4,
  timeout: 5,
  babble: 6,
} as const;

export const Speed = { low: 0, full: 1, high: 2, super: 3 } as const;

export const EndpointType = { control: 0, iso: 1, bulk: 2, interrupt: 3, invalid: 255 } as const;

/**
 * The capabilities this usb-host implements (no bulk streams or filters; iso needs no capability). QEMU refuses
 * a device on xHCI unless the host has ep_info_max_packet_size, 64bits_ids and 32bits_bulk_length, so
 * the last is announced too: it only widens the (always refused) bulk_packet header.
 */
export const HOST_CAPS: readonly number[] = [
  Cap.connectDeviceVersion,
  Cap.deviceDisconnectAck,
  Cap.epInfoMaxPacketSize,
  Cap.ids64Bits,
  Cap.bulkLength32Bits,
];

export const HOST_VERSION = 'ferry usbredir 0.1';

export const UsbredirLimits = {
  /** A bulk packet header (10 bytes, the largest) plus Ferry's largest transfer, 64 KiB (> any wLength). */
  maxPacketLength: 10 + 0x10000,
  /** The hello carries the 64-byte version and a capability bitmap; 32 words is far more than defined. */
  maxHelloLength: 64 + 32 * 4,
} as const;
