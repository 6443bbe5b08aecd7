/**
 * The latest input report per report id, with counts and rates. Recording is cheap (one copy into a
 * reused buffer, no allocation once a report id has been seen) because it runs for every report — up
 * to thousands a second — while the page only reads it when it renders.
 */
export interface InputReportEntry {
  readonly reportId: number;
  /** The latest data; reused between reports, so copy it if you keep it. */
  data: Uint8Array;
  count: number;
  perSecond: number;
  timestampMs: number;
  windowCount: number;
}

export class InputReportLog {
  private readonly entries = new Map<number, InputReportEntry>();
  private windowStart: number;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.windowStart = now();
  }

  record(reportId: number, data: Uint8Array, timestampMs: number): void {
    const entry = this.entries.get(reportId) ?? this.create(reportId);
    if (entry.data.buffer.byteLength < data.length) entry.data = new Uint8Array(data.length);
    else entry.data = new Uint8Array(entry.data.buffer, 0, data.length);
    entry.data.set(data);
    entry.count += 1;
    entry.windowCount += 1;
    entry.timestampMs = timestampMs;
  }

  /** Updates the per-second rates once a second has passed; returns whether it did. */
  tick(): boolean {
    const elapsed = this.now() - this.windowStart;
    if (elapsed < 1000) return false;
    for (const entry of this.entries.values()) {
      entry.perSecond = Math.round((entry.windowCount * 1000) / elapsed);
      entry.windowCount = 0;
    }
    this.windowStart += elapsed;
    return true;
  }

  /** Entries ordered by report id. */
  list(): InputReportEntry[] {
    return [...this.entries.values()].sort((a, b) => a.reportId - b.reportId);
  }

  private create(reportId: number): InputReportEntry {
    const entry = {
      reportId,
      data: new Uint8Array(64),
      count: 0,
      perSecond: 0,
      timestampMs: 0,
      windowCount: 0,
    };
    this.entries.set(reportId, entry);
    return entry;
  }
}
