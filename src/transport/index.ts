export type { Role } from './auth.ts';
export { Backoff, type BackoffOptions } from './backoff.ts';
export * from './ice-servers.ts';
export type { Link, LinkChannel, LinkFactory, SignaledLink } from './link.ts';
export { describePath, type LinkPath, type LinkQuality, type PathKind, pathFromStats } from './link-path.ts';
export { type AuthMethod, PeerAuthError, type PeerAuthErrorCode } from './peer-auth-error.ts';
export type { AuthFailure, ChannelAuth, ChannelEnd } from './peer-channel.ts';
export {
  hidRequestNeeds,
  PERMISSION_LABELS,
  PERMISSION_SUMMARIES,
  PERMISSIONS,
  type Permission,
  permits,
  usbRequestNeeds,
} from './permissions.ts';
export { type DeviceOffer, NO_SHARER, type ReceiverEnd, ReceiverSession } from './receiver-session.ts';
export { RemoteDevice, RemoteDeviceError } from './remote-device.ts';
export * from './session-link.ts';
export {
  type Approval,
  DENIED_REASON,
  type PeerStatus,
  REVOKED_REASON,
  type RefusedDevice,
  type ResumeTarget,
  SharerSession,
  type SharerStatus,
  type SignalingStatus,
} from './sharer-session.ts';
export {
  type ReconnectingEvent,
  SignalingClient,
  type SignalingClientOptions,
  SignalingError,
  type WebSocketConstructor,
} from './signaling-client.ts';
export { simplePeerLinks } from './simple-peer-link.ts';
export { MAX_TICKETS, type TicketRecord } from './tickets.ts';
export {
  RemoteUsbDevice,
  type RemoteUsbDeviceOptions,
  type UsbCallOptions,
  type UsbIsoResult,
  type UsbTransferObserver,
  type UsbTransferResult,
} from './usb-remote-device.ts';
export { type SharedUsbSource, USB_CAPABILITY, type UsbShareStatus } from './usb-shares.ts';
