/**
 * Which network path a link's ICE agent chose, read from RTCPeerConnection.getStats(): the transport's
 * selected candidate pair (or, on stacks without `selectedCandidatePairId`, the pair marked `selected`
 * or the nominated, succeeded one) and its two candidates. A pair with a `relay` candidate on either end
 * goes through a TURN server; host, srflx (STUN) and prflx (learned from the peer's checks) are direct.
 */
export type PathKind = 'direct' | 'relayed';

export interface LinkPath {
  kind: PathKind;
  /** The candidate types: host, srflx, prflx or relay. */
  local: string;
  remote: string;
  /** udp or tcp (between this end and its first hop: for a relay, the transport to the TURN server). */
  protocol: string | undefined;
  /** The latest STUN round trip on the pair, in milliseconds (end to end, through the relay if any). */
  rttMs: number | undefined;
}

/** The fields of the stats entries used here; every real report has more. */
interface StatsEntry {
  id: string;
  type: string;
  selectedCandidatePairId?: string;
  selected?: boolean;
  nominated?: boolean;
  state?: string;
  localCandidateId?: string;
  remoteCandidateId?: string;
  currentRoundTripTime?: number;
  candidateType?: string;
  protocol?: string;
  relayProtocol?: string;
}

/** An RTCStatsReport is a maplike of entries; anything iterable over its values will do. */
export function pathFromStats(entries: Iterable<unknown>): LinkPath | undefined {
  const byId = new Map<string, StatsEntry>();
  for (const entry of entries) {
    if (isEntry(entry)) byId.set(entry.id, entry);
  }
  const pair = selectedPair(byId);
  const local = pair?.localCandidateId === undefined ? undefined : byId.get(pair.localCandidateId);
  const remote = pair?.remoteCandidateId === undefined ? undefined : byId.get(pair.remoteCandidateId);
  if (!pair || !local?.candidateType || !remote?.candidateType) return undefined;
  const relayed = local.candidateType === 'relay' || remote.candidateType === 'relay';
  const rtt = pair.currentRoundTripTime;
  return {
    kind: relayed ? 'relayed' : 'direct',
    local: local.candidateType,
    remote: remote.candidateType,
    protocol: local.relayProtocol ?? local.protocol,
    rttMs: typeof rtt === 'number' && Number.isFinite(rtt) ? Math.round(rtt * 1000) : undefined,
  };
}

function selectedPair(byId: Map<string, StatsEntry>): StatsEntry | undefined {
  const pairs = [...byId.values()].filter((entry) => entry.type === 'candidate-pair');
  for (const entry of byId.values()) {
    if (entry.type !== 'transport' || entry.selectedCandidatePairId === undefined) continue;
    const pair = byId.get(entry.selectedCandidatePairId);
    if (pair) return pair;
  }
  return (
    pairs.find((pair) => pair.selected === true) ??
    pairs.find((pair) => pair.nominated === true && pair.state === 'succeeded')
  );
}

function isEntry(value: unknown): value is StatsEntry {
  const entry = value as Partial<StatsEntry> | null;
  return typeof entry?.id === 'string' && typeof entry.type === 'string';
}

/** `path=relayed rtt=12ms via=relay/srflx`: the words the CLI's stats line and the pages show. */
export function describePath(path: LinkPath | undefined): string {
  if (path === undefined) return 'path=unknown';
  const rtt = path.rttMs === undefined ? '' : ` rtt=${path.rttMs}ms`;
  return `path=${path.kind}${rtt} via=${path.local}/${path.remote}${path.protocol ? `/${path.protocol}` : ''}`;
}
