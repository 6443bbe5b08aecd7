/**
 * A sharer in a process of its own (run by tests/support/node-sharer.ts): hosts a session on the server
 * named by argv[2], shares a simulated corpus DualShock 3, prints its link on stdout and then one line
 * `receiver <name>` per receiver that authenticates. A test can then make it vanish with SIGKILL, which
 * an in-process sharer cannot do.
 */
import { WebHidSource } from '../../src/devices/index.ts';
import { buildShareLink, createShareSecret, SharerSession } from '../../src/transport/index.ts';
import { connectSignaling, nodeLinks, simulatedCorpusDevice } from './node-peers.ts';

const serverUrl = process.argv[2];
if (!serverUrl) throw new Error('usage: node-sharer-main.ts <server url>');
const secret = createShareSecret();
const { device } = simulatedCorpusDevice('sony-dualshock3-usb');
await device.open();
const sharer = new SharerSession({
  signaling: await connectSignaling(serverUrl),
  links: nodeLinks,
  iceServers: [],
  name: 'vanishing desk',
  auth: { link: secret },
  approval: 'anyone',
});
sharer.addDevice(await WebHidSource.open(device as unknown as HIDDevice, new EventTarget()));
sharer.on('receiver', (peer) => process.stdout.write(`receiver ${peer.name}\n`));
const { sessionId } = await sharer.host();
process.stdout.write(`${buildShareLink(serverUrl, sessionId, secret)}\n`);
