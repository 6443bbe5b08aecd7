/**
 * The headless peers keep each WebRTC connection and its data channels reachable (src/headless/kept-wrtc.ts),
 * so that @roamhq/wrtc's native finalizer, which can segfault, never runs on them mid-run.
 */
import { describe, expect, it } from 'vitest';
import { KeptList, kept, keptWrtc } from '../../../src/headless/kept-wrtc.ts';
import { openLinkPair } from '../../support/link-pair.ts';

describe('kept WebRTC connections', () => {
  it("the headless links' connections stay kept, with their data channels, after they close", {
    timeout: 20_000,
  }, async () => {
    const before = kept.size;
    const [a, b] = await openLinkPair();
    const message = new Promise<Uint8Array>((resolve) => b.onMessage((bytes) => resolve(bytes)));
    a.send(Uint8Array.of(1, 2, 3));
    expect([...(await message)]).toEqual([1, 2, 3]);
    a.close();
    b.close();
    expect(kept.size).toBe(before + 2);
  });

  it('a connection made directly keeps the channels it creates and the ones it is given', {
    timeout: 20_000,
  }, async () => {
    const offerer = new keptWrtc.RTCPeerConnection({ iceServers: [] }) as RTCPeerConnection;
    const answerer = new keptWrtc.RTCPeerConnection({ iceServers: [] }) as RTCPeerConnection;
    // Candidates still trickling in after the close are moot.
    const add = (to: RTCPeerConnection, candidate: RTCIceCandidate | null) =>
      candidate && void to.addIceCandidate(candidate).catch(() => undefined);
    offerer.onicecandidate = (event) => add(answerer, event.candidate);
    answerer.onicecandidate = (event) => add(offerer, event.candidate);
    const created = offerer.createDataChannel('x');
    const given = new Promise<RTCDataChannel>((resolve) => {
      answerer.ondatachannel = (event) => resolve(event.channel);
    });
    await offerer.setLocalDescription(await offerer.createOffer());
    await answerer.setRemoteDescription(offerer.localDescription as RTCSessionDescriptionInit);
    await answerer.setLocalDescription(await answerer.createAnswer());
    await offerer.setRemoteDescription(answerer.localDescription as RTCSessionDescriptionInit);
    const channel = await given;
    offerer.close();
    answerer.close();
    for (const item of [offerer, answerer, created, channel]) expect(kept.holds(item)).toBe(true);
  });

  it('keeps at most its bound, letting the oldest go', () => {
    const list = new KeptList(2);
    const [first, second, third] = [{}, {}, {}];
    list.add([first]);
    list.add([second]);
    list.add([third]);
    expect(list.size).toBe(2);
    expect([list.holds(first), list.holds(second), list.holds(third)]).toEqual([false, true, true]);
  });
});
