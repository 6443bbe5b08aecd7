export type { Role } from './auth.ts';
export type { Link, LinkFactory, SignaledLink } from './link.ts';
export type { ChannelAuth } from './peer-channel.ts';
export { ReceiverSession } from './receiver-session.ts';
export { RemoteDevice, RemoteDeviceError } from './remote-device.ts';
export * from './session-link.ts';
export { type PeerStatus, SharerSession, type SharerStatus } from './sharer-session.ts';
export { SignalingClient, SignalingError, type WebSocketConstructor } from './signaling-client.ts';
export { simplePeerLinks } from './simple-peer-link.ts';
