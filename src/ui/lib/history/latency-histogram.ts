/**
 * How old input reports are when they arrive: the receiver's clock minus the sharer's stamp (both
 * `performance.timeOrigin + performance.now()`, so on two machines it includes their clock offset), counted
 * into fixed bins. Counting is one comparison loop over ten edges; nothing is kept per report.
 */
export const LATENCY_BIN_EDGES_MS: readonly number[] = [1, 2, 5, 10, 20, 50, 100, 200, 500];

export const LATENCY_BIN_LABELS: readonly string[] = LATENCY_BIN_EDGES_MS.map((edge, index) =>
  index === 0 ? `< ${edge} ms` : `${LATENCY_BIN_EDGES_MS[index - 1]}–${edge} ms`,
).concat(`≥ ${LATENCY_BIN_EDGES_MS.at(-1)} ms`);

export class LatencyHistogram {
  readonly counts = new Uint32Array(LATENCY_BIN_EDGES_MS.length + 1);
  total = 0;
  /** Reports stamped later than they arrived (the sharer's clock is ahead): counted in the first bin. */
  ahead = 0;
  latestMs = 0;

  add(ageMs: number): void {
    if (ageMs < 0) this.ahead += 1;
    let bin = 0;
    while (bin < LATENCY_BIN_EDGES_MS.length && ageMs >= LATENCY_BIN_EDGES_MS[bin]!) bin++;
    this.counts[bin]! += 1;
    this.total += 1;
    this.latestMs = ageMs;
  }

  /** The upper edge of the bin holding the `fraction` quantile (Infinity for the last bin), or undefined. */
  quantileBound(fraction: number): number | undefined {
    if (this.total === 0) return undefined;
    const rank = Math.ceil(fraction * this.total);
    let seen = 0;
    for (let bin = 0; bin < this.counts.length; bin++) {
      seen += this.counts[bin]!;
      if (seen >= rank) return LATENCY_BIN_EDGES_MS[bin] ?? Number.POSITIVE_INFINITY;
    }
    return Number.POSITIVE_INFINITY;
  }
}
