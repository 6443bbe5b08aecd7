/**
 * Ferry's TURN credentials against a real coturn (Debian's package) in use-auth-secret mode: two Node
 * WebRTC peers (@roamhq/wrtc, the stack of `ferry receive`) each take their own ICE config from the
 * server's /config.json, are forced to relay-only (iceTransportPolicy 'relay'), and pair through coturn;
 * a tampered or expired credential gets no relay at all. Everything is on loopback.
 */
import { randomBytes } from 'node:crypto';
import wrtc from '@roamhq/wrtc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFerryServer, type FerryServer } from '../../signaling/index.ts';
import { mintTurnCredential } from '../../signaling/turn-credentials.ts';
import { parseIceConfig, pathFromStats } from '../../src/transport/index.ts';
import { type Coturn, startCoturn } from '../support/coturn.ts';

const SECRET = randomBytes(16).toString('hex');
/** Ports of this run's own, away from other tests' (pid-derived; coturn's default 3478 stays free). */
const TURN_PORT = 40_000 + (process.pid % 1000) * 2;
const RELAY_PORTS = {
  minPort: 50_000 + (process.pid % 500) * 20,
  maxPort: 50_019 + (process.pid % 500) * 20,
};

let coturn: Coturn;
let server: FerryServer;

beforeAll(async () => {
  coturn = await startCoturn({
    address: '127.0.0.1',
    port: TURN_PORT,
    secret: SECRET,
    ...RELAY_PORTS,
    allowLoopbackPeers: true, // both peers are on 127.0.0.1 here
  });
  server = await createFerryServer({
    port: 0,
    turn: { urls: [coturn.url], secret: SECRET, ttlSeconds: 600 },
  });
});

afterAll(async () => {
  await server?.close();
  await coturn?.close();
});

async function iceConfig(): Promise<RTCIceServer[]> {
  return parseIceConfig(await (await fetch(`${server.url}/config.json`)).json()).iceServers;
}

function relayOnly(iceServers: RTCIceServer[]): RTCPeerConnection {
  return new wrtc.RTCPeerConnection({ iceServers, iceTransportPolicy: 'relay' });
}

/** Every candidate a peer gathers, until gathering completes (or 10 s pass). */
async function gather(pc: RTCPeerConnection): Promise<RTCIceCandidate[]> {
  const candidates: RTCIceCandidate[] = [];
  const done = new Promise<void>((resolve) => {
    pc.onicecandidate = (event) => (event.candidate ? candidates.push(event.candidate) : resolve());
    setTimeout(resolve, 10_000);
  });
  pc.createDataChannel('probe');
  await pc.setLocalDescription(await pc.createOffer());
  await done;
  return candidates;
}

function opened(channel: RTCDataChannel): Promise<void> {
  return new Promise((resolve, reject) => {
    channel.onopen = () => resolve();
    setTimeout(() => reject(new Error('the data channel did not open in 20 s')), 20_000);
  });
}

function nextMessage(channel: RTCDataChannel): Promise<Uint8Array> {
  return new Promise((resolve) => {
    channel.onmessage = (event) => resolve(new Uint8Array(event.data as ArrayBuffer));
  });
}

describe('TURN through a real coturn', () => {
  it('pairs two relay-only peers with credentials from /config.json, byte-exact both ways', async () => {
    const [first, second] = [await iceConfig(), await iceConfig()];
    expect(first.find((s) => s.username)?.username).not.toBe(second.find((s) => s.username)?.username);
    const a = relayOnly(first);
    const b = relayOnly(second);
    try {
      a.onicecandidate = (event) => event.candidate && void b.addIceCandidate(event.candidate);
      b.onicecandidate = (event) => event.candidate && void a.addIceCandidate(event.candidate);
      const channelA = a.createDataChannel('ferry');
      channelA.binaryType = 'arraybuffer';
      const channelB = new Promise<RTCDataChannel>((resolve) => {
        b.ondatachannel = (event) => {
          event.channel.binaryType = 'arraybuffer';
          resolve(event.channel);
        };
      });
      const open = opened(channelA);
      await a.setLocalDescription(await a.createOffer());
      await b.setRemoteDescription(a.localDescription as RTCSessionDescriptionInit);
      await b.setLocalDescription(await b.createAnswer());
      await a.setRemoteDescription(b.localDescription as RTCSessionDescriptionInit);
      await open;
      const far = await channelB;

      const there = randomBytes(4096);
      const arrivedThere = nextMessage(far);
      channelA.send(there);
      expect(Buffer.from(await arrivedThere).equals(there)).toBe(true);
      const back = randomBytes(4096);
      const arrivedBack = nextMessage(channelA);
      far.send(back);
      expect(Buffer.from(await arrivedBack).equals(back)).toBe(true);

      const path = pathFromStats((await a.getStats()).values());
      expect(path).toMatchObject({ kind: 'relayed', local: 'relay', remote: 'relay', protocol: 'udp' });
    } finally {
      a.close();
      b.close();
    }
  });

  it('gets a relay candidate with a minted credential, and none with a tampered or expired one', async () => {
    const good = await iceConfig();
    const turnEntry = good.find((s) => s.username !== undefined) as RTCIceServer;
    const tampered = [{ ...turnEntry, credential: `${String(turnEntry.credential).slice(0, -4)}AAA=` }];
    // Minted the same way, one valid for a minute and one that expired a minute ago: only expiry differs.
    const fresh = mintTurnCredential(SECRET, 60);
    const old = mintTurnCredential(SECRET, -60);
    const asServers = (c: { username: string; credential: string }) => [{ urls: turnEntry.urls, ...c }];

    const kinds = async (iceServers: RTCIceServer[]) => {
      const pc = relayOnly(iceServers);
      try {
        return (await gather(pc)).map((candidate) => candidate.candidate.split(' ')[7]);
      } finally {
        pc.close();
      }
    };
    const allocated = (username: string) =>
      coturn.log.some((line) =>
        line.includes(`user <${username}>: incoming packet ALLOCATE processed, success`),
      );
    expect(await kinds(good)).toContain('relay');
    expect(await kinds(asServers(fresh))).toContain('relay');
    expect(await kinds(tampered)).toEqual([]);
    expect(await kinds(asServers(old))).toEqual([]);
    expect(allocated(String(turnEntry.username))).toBe(true);
    expect(allocated(fresh.username)).toBe(true);
    expect(allocated(old.username)).toBe(false);
  });
});
