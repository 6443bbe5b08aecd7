/**
 * What the two headless peers (`ferry receive`, `ferry share`) share: WebRTC and signaling on Node, and
 * the printed invitation (link, code, QR) of a session one of them made. Node only.
 */
export { announceInvite, type InviteLines } from './invite.ts';
export { connectSignaling, nodeLinks, nodeSignaling } from './node-peers.ts';
export { socketDescriptors, type UdpSocket, udpSockets } from './udp-sockets.ts';
