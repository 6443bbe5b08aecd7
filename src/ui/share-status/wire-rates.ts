import type { PeerStatus } from '../../transport/index.ts';

interface Sample {
  bytes: number;
  atMs: number;
  perSecond: number | undefined;
}

/**
 * Bytes per second on the wire to each receiver, from the cumulative `bytesSent` of its link's selected
 * candidate pair (PeerStatus.path.quality, read about once a second by SharerSession). Everything sent
 * counts: frames, pipeline and SCTP/DTLS/UDP overhead, retransmissions.
 */
export class WireRates {
  private readonly samples = new Map<string, Sample>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  update(peers: readonly PeerStatus[]): void {
    const seen = new Set<string>();
    for (const peer of peers) {
      const bytes = peer.path?.quality?.bytesSent;
      if (bytes === undefined) continue;
      seen.add(peer.peerId);
      const last = this.samples.get(peer.peerId);
      if (last && bytes === last.bytes) continue; // the same reading again
      const atMs = this.now();
      const perSecond =
        last && bytes > last.bytes && atMs > last.atMs
          ? ((bytes - last.bytes) * 1000) / (atMs - last.atMs)
          : undefined;
      this.samples.set(peer.peerId, { bytes, atMs, perSecond: perSecond ?? last?.perSecond });
    }
    for (const peerId of this.samples.keys()) if (!seen.has(peerId)) this.samples.delete(peerId);
  }

  perSecond(peerId: string): number | undefined {
    const rate = this.samples.get(peerId)?.perSecond;
    return rate === undefined ? undefined : Math.round(rate);
  }
}
