/** usbredir wire layouts. Every usbredir integer is little-endian; all structs are packed. */
import { struct } from '../usb/struct.ts';

/** The header before the peers' hellos were exchanged, or when either lacks cap_64bits_ids. */
export const Header32 = struct({ type: 'u32le', length: 'u32le', id: 'u32le' });
export const Header64 = struct({ type: 'u32le', length: 'u32le', id: 'u64le' });

export const HelloHeader = struct({ version: { bytes: 64 } });

export const DeviceConnectHeader = struct({
  speed: 'u8',
  deviceClass: 'u8',
  deviceSubclass: 'u8',
  deviceProtocol: 'u8',
  vendorId: 'u16le',
  productId: 'u16le',
  deviceVersionBcd: 'u16le',
});
/** Without cap_connect_device_version on both sides the last field is not sent. */
export const DEVICE_CONNECT_SIZE_WITHOUT_VERSION = DeviceConnectHeader.size - 2;

export const InterfaceInfoHeader = struct({
  interfaceCount: 'u32le',
  interface: { bytes: 32 },
  interfaceClass: { bytes: 32 },
  interfaceSubclass: { bytes: 32 },
  interfaceProtocol: { bytes: 32 },
});

/** Endpoint arrays are indexed OUT 0-15 then IN 0-15. max_streams (bulk streams cap) is never sent. */
export const EpInfoHeader = struct({
  type: { bytes: 32 },
  interval: { bytes: 32 },
  interface: { bytes: 32 },
  maxPacketSize: { bytes: 64 },
});
/** Without cap_ep_info_max_packet_size on both sides the u16[32] array is not sent. */
export const EP_INFO_SIZE_WITHOUT_MAX_PACKET = EpInfoHeader.size - 64;

export const ConfigurationHeader = struct({ configuration: 'u8' });
export const ConfigurationStatusHeader = struct({ status: 'u8', configuration: 'u8' });
export const SetAltSettingHeader = struct({ interface: 'u8', alt: 'u8' });
export const GetAltSettingHeader = struct({ interface: 'u8' });
export const AltSettingStatusHeader = struct({ status: 'u8', interface: 'u8', alt: 'u8' });
export const EndpointHeader = struct({ endpoint: 'u8' });
export const StreamStatusHeader = struct({ status: 'u8', endpoint: 'u8' });
export const BulkStreamsStatusHeader = struct({ endpoints: 'u32le', noStreams: 'u32le', status: 'u8' });

export const ControlPacketHeader = struct({
  endpoint: 'u8',
  request: 'u8',
  requestType: 'u8',
  status: 'u8',
  value: 'u16le',
  index: 'u16le',
  length: 'u16le',
});

export const InterruptPacketHeader = struct({ endpoint: 'u8', status: 'u8', length: 'u16le' });

export const BulkPacketHeader = struct({
  endpoint: 'u8',
  status: 'u8',
  length: 'u16le',
  streamId: 'u32le',
  lengthHigh: 'u16le',
});
/** Without cap_32bits_bulk_length on both sides there is no length_high. */
export const BULK_PACKET_SIZE_WITHOUT_LENGTH_HIGH = BulkPacketHeader.size - 2;
