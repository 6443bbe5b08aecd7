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
  /** The pair's counters, where the stack gives them (Chromium does; see LinkQuality). */
  quality?: LinkQuality;
}

/**
 * What getStats tells about a data-channel link's health. Chromium gives no packet loss or SCTP
 * retransmission count for data channels (no `sctp-transport` entry; `packetsLost` exists only on RTP
 * streams), so loss is seen only as STUN checks left unanswered — consent checks run every few seconds
 * on the selected pair — and as packets the socket discarded on send. Counters are cumulative.
 */
export interface LinkQuality {
  bytesSent: number;
  bytesReceived: number;
  /** STUN requests sent on the pair and responses received to them (connectivity and consent checks). */
  checksSent: number;
  checksAnswered: number;
  /** Packets the local socket could not send (e.g. a full buffer). */
  packetsDiscardedOnSend: number;
  /** How often ICE switched to another candidate pair (transport.selectedCandidatePairChanges). */
  pairChanges: number | undefined;
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
  bytesSent?: number;
  bytesReceived?: number;
  requestsSent?: number;
  responsesReceived?: number;
  packetsDiscardedOnSend?: number;
  selectedCandidatePairChanges?: number;
}

/** An RTCStatsReport is a maplike of entries; anything iterable over its values will do. */
export function pathFromStats(entries: Iterable<unknown>): LinkPath | undefined {
  const byId = new Map<string, StatsEntry>();
  for (const entry of entries) {
    if (isEntry(entry)) byId.set(entry.id, entry);
  }
  const { pair, transport } = selectedPair(byId);
  const local = pair?.localCandidateId === undefined ? undefined : byId.get(pair.localCandidateId);
  const remote = pair?.remoteCandidateId === undefined ? undefined : byId.get(pair.remoteCandidateId);
  if (!pair || !local?.candidateType || !remote?.candidateType) return undefined;
  const relayed = local.candidateType === 'relay' || remote.candidateType === 'relay';
  const rtt = pair.currentRoundTripTime;
  const path: LinkPath = {
    kind: relayed ? 'relayed' : 'direct',
    local: local.candidateType,
    remote: remote.candidateType,
    protocol: local.relayProtocol ?? local.protocol,
    rttMs: typeof rtt === 'number' && Number.isFinite(rtt) ? Math.round(rtt * 1000) : undefined,
  };
  const quality = qualityOf(pair, transport);
  return quality ? { ...path, quality } : path;
}

function qualityOf(pair: StatsEntry, transport: StatsEntry | undefined): LinkQuality | undefined {
  const { bytesSent, bytesReceived, requestsSent, responsesReceived } = pair;
  if (!isCount(bytesSent) || !isCount(bytesReceived) || !isCount(requestsSent) || !isCount(responsesReceived))
    return undefined;
  const discarded = pair.packetsDiscardedOnSend;
  const changes = transport?.selectedCandidatePairChanges;
  return {
    bytesSent,
    bytesReceived,
    checksSent: requestsSent,
    checksAnswered: Math.min(requestsSent, responsesReceived),
    packetsDiscardedOnSend: isCount(discarded) ? discarded : 0,
    pairChanges: isCount(changes) ? changes : undefined,
  };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function selectedPair(byId: Map<string, StatsEntry>): { pair?: StatsEntry; transport?: StatsEntry } {
  const pairs = [...byId.values()].filter((entry) => entry.type === 'candidate-pair');
  for (const entry of byId.values()) {
    if (entry.type !== 'transport' || entry.selectedCandidatePairId === undefined) continue;
    const pair = byId.get(entry.selectedCandidatePairId);
    if (pair) return { pair, transport: entry };
  }
  const pair =
    pairs.find((candidate) => candidate.selected === true) ??
    pairs.find((candidate) => candidate.nominated === true && candidate.state === 'succeeded');
  return pair ? { pair } : {};
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
