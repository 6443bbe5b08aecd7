/**
 * What the bench page bundle (bench/page/entry.ts) puts on `window.ferryBench`, shared by the page code and
 * the Node side that drives it through Playwright. Everything crossing the boundary is plain JSON.
 */

/** How the page sends each input report: straight onto a data channel or WebSocket, or through Ferry. */
export type PageTransport =
  | { kind: 'bare' }
  | { kind: 'relay'; url: string }
  | { kind: 'ferry'; signalUrl: string; secret: string; pipeline?: string };

export interface PacedRun {
  rateHz: number;
  durationMs: number;
  /** Device index in the fake (0: 64-byte reports, 1: large reports). */
  device: number;
  /**
   * Window id, written into bytes 8–11 of every report (u32 little-endian; bytes 0–7 carry the stamp on the
   * bare and relay paths), so the receiver counts only this window's reports (see REPORT_TAG_OFFSET).
   */
  tag: number;
}

/** Where a report carries its window's tag. */
export const REPORT_TAG_OFFSET = 8;

export interface PacedResult {
  /** Reports the fake device produced (each became an `inputreport` event). */
  sent: number;
  /** Page-side pacing error: how late each emit was against its schedule, ms. */
  slipP99Ms: number;
  slipMaxMs: number;
  /** Bursts of more than one report per pacer wake-up. */
  bursts: number;
  crossOriginIsolated: boolean;
}

export interface FerryBenchApi {
  /** Opens the fake device(s) and readies the transport; resolves with a bare offer or a Ferry session id. */
  connect(transport: PageTransport): Promise<string>;
  /** Bare only: the Node receiver's answer. Resolves when the channel is open. */
  accept(answer: string): Promise<void>;
  /**
   * Resolves once a receiver is attached and authenticated (Ferry: with the agreed pipeline spec) or the
   * channel or socket is open (with '').
   */
  ready(): Promise<string>;
  /** Emits 64-byte (or large) input reports at `rateHz` for `durationMs`. */
  run(run: PacedRun): Promise<PacedResult>;
  /**
   * Ferry only: messages the sharer's links dropped at this end so far (the unreliable channel refuses a
   * send that would queue it past 64 KiB; SharerStatus.droppedAtSender). 0 for the other paths.
   */
  droppedAtSender(): number;
  /** Page clock, for the clock check. */
  now(): number;
  close(): void;
}

export interface BenchWindow {
  ferryBench: FerryBenchApi;
}
