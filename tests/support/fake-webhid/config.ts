/**
 * Configuration of the test-only fake `navigator.hid` (see ../fake-webhid.ts). Everything here is plain JSON:
 * Node builds it (from the corpus in ../shared/corpus/hid) and Playwright passes it into the page.
 */

/** One report of a collection, shaped like WebHID's HIDReportInfo; `items` are passed through untouched. */
export interface FakeReportInfo {
  readonly reportId: number;
  readonly items: readonly object[];
}

/**
 * WebHID HIDCollectionInfo (https://wicg.github.io/webhid/#dom-hidcollectioninfo) as the device service
 * reports it, i.e. BEFORE Chrome strips protected reports. `collectionsFromDescriptor` (src/hid) returns
 * exactly this; the fake applies Chrome's filtering itself.
 */
export interface FakeCollectionInfo {
  readonly usagePage: number;
  readonly usage: number;
  readonly type: number;
  readonly children: readonly FakeCollectionInfo[];
  readonly inputReports: readonly FakeReportInfo[];
  readonly outputReports: readonly FakeReportInfo[];
  readonly featureReports: readonly FakeReportInfo[];
}

/** One hid-recorder event: `t` seconds from the start of the recording, `report` as read from hidraw (hex). */
export interface RecordedReport {
  readonly t: number;
  readonly report: string;
}

/** Report ID → report length in bytes, WITHOUT the report ID byte (0 is the key of unnumbered reports). */
export type ReportLengths = Readonly<Record<number, number>>;

export interface FakeDeviceConfig {
  readonly vendorId: number;
  readonly productId: number;
  readonly productName: string;
  /** Persistent permissions need a serial number; without one Chrome grants an ephemeral permission. */
  readonly serialNumber?: string;
  readonly collections: readonly FakeCollectionInfo[];
  readonly usesReportIds: boolean;
  readonly inputReportLengths: ReportLengths;
  readonly outputReportLengths: ReportLengths;
  readonly featureReportLengths: ReportLengths;
  readonly recording?: readonly RecordedReport[];
  /** The origin already holds a permission for this device (it shows up in getDevices()). Default false. */
  readonly granted?: boolean;
  /** Plugged in when the page loads. Default true. */
  readonly connected?: boolean;
  /**
   * How long the device takes to answer a write or feature request, in ms (a USB transfer takes 1–8 ms).
   * Default 0: the answer comes in the next task, the quickest Mojo could deliver it.
   */
  readonly replyDelayMs?: number;
}

/**
 * What the simulated user does in the chooser: pick the first device the chooser lists, pick a given
 * device (index into `devices`; nothing is picked if the chooser does not list it), or cancel.
 */
export type ChooserChoice = 'first' | 'cancel' | { readonly deviceIndex: number };

export interface FakeHidConfig {
  readonly devices: readonly FakeDeviceConfig[];
  readonly chooser?: ChooserChoice;
}

export interface ReplayOptions {
  /** Playback speed factor for the recorded timing (2 = twice as fast). Default 1. */
  readonly speed?: number;
  /** Ignore the recorded timing and send one report every `intervalMs` milliseconds. */
  readonly intervalMs?: number;
  /** Number of recorded reports to send (from the first). Default: all. */
  readonly count?: number;
}

export interface ReplayResult {
  /** Reports the device produced. */
  readonly sent: number;
  /** Reports that reached the page as `inputreport` events (open, not protected). */
  readonly delivered: number;
}

export interface SentReport {
  readonly reportId: number;
  /** Hex, lowercase, without the report ID byte (as the page passed it). */
  readonly bytes: string;
}

/** The test control object, `window.__ferryFakeHid`. Hex strings are lowercase without separators. */
export interface FakeHidControl {
  replay(deviceIndex: number, options?: ReplayOptions): Promise<ReplayResult>;
  /** Make the device produce one input report; resolves true if it reached the page as an event. */
  emit(deviceIndex: number, reportId: number, bytes: string): Promise<boolean>;
  outputs(deviceIndex: number): SentReport[];
  setFeature(deviceIndex: number, reportId: number, bytes: string): void;
  features(deviceIndex: number): Record<number, string>;
  unplug(deviceIndex: number): Promise<void>;
  plug(deviceIndex: number): Promise<void>;
  setChooser(choice: ChooserChoice): void;
  /** Filters and exclusion filters of every requestDevice() call that reached the chooser. */
  chooserRequests(): unknown[];
}
