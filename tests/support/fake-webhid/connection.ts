import type { ConnectionClient, ConnectionLink } from './backend.ts';
import type { FakeDeviceConfig, SentReport } from './config.ts';
import { bytesToHex } from './hex.ts';
import { isReportProtected, type ReportType } from './protection.ts';
import { nextTask, postTask } from './tasks.ts';

function maxLength(lengths: Readonly<Record<number, number>>): number {
  return Math.max(0, ...Object.values(lengths));
}

/**
 * One plugged-in device as the device service holds it: its feature storage, the output reports the
 * page sent, and the checks of services/device/hid/hid_connection.cc that run before any byte reaches
 * the platform (Linux: hid_connection_linux.cc).
 */
export class FakeDeviceHandle {
  readonly outputs: SentReport[] = [];
  readonly features = new Map<number, Uint8Array>();
  readonly #links = new Set<FakeConnectionLink>();
  readonly #maxOutput: number;
  readonly #maxFeature: number;

  constructor(readonly config: FakeDeviceConfig) {
    this.#maxOutput = maxLength(config.outputReportLengths);
    this.#maxFeature = maxLength(config.featureReportLengths);
    for (const [id, length] of Object.entries(config.featureReportLengths)) {
      this.features.set(Number(id), new Uint8Array(length));
    }
  }

  openConnection(client: ConnectionClient): ConnectionLink {
    const link = new FakeConnectionLink(this, client, () => this.#links.delete(link));
    this.#links.add(link);
    return link;
  }

  /** The device sends an input report. Returns how many open connections it reached. */
  produceInputReport(reportId: number, data: Uint8Array): Promise<number> {
    // hid_connection.cc ProcessInputReport drops protected reports before any client sees them.
    if (this.isProtected(reportId, 'input')) return Promise.resolve(0);
    const links = [...this.#links];
    for (const link of links) postTask(() => link.client.onInputReport(reportId, data));
    return nextTask().then(() => links.length);
  }

  /** The device went away: the device service closes every connection pipe; owed replies never come. */
  disconnectAll(): void {
    for (const link of this.#links) {
      link.sever();
      postTask(() => link.client.onConnectionError());
    }
    this.#links.clear();
  }

  isProtected(reportId: number, type: ReportType): boolean {
    const { collections, usesReportIds } = this.config;
    return isReportProtected(collections, usesReportIds, reportId, type);
  }

  /** hid_connection.cc Write, then Linux write(2) on hidraw. */
  write(reportId: number, data: Uint8Array): boolean {
    if (this.#maxOutput === 0) return false; // "This device does not support output reports."
    if (data.length > this.#maxOutput) return false; // "Output report buffer too long"
    if (!this.#reportIdFits(reportId)) return false; // "Invalid output report ID."
    if (this.isProtected(reportId, 'output')) return false; // "Attempt to set a protected output report."
    if (!hidrawAcceptsLength(data)) return false;
    this.outputs.push({ reportId, bytes: bytesToHex(data) });
    return true;
  }

  /** hid_connection.cc SendFeatureReport, then HIDIOCSFEATURE. */
  sendFeatureReport(reportId: number, data: Uint8Array): boolean {
    if (this.#maxFeature === 0) return false; // "This device does not support feature reports."
    if (!this.#reportIdFits(reportId)) return false; // "Invalid feature report ID."
    if (this.isProtected(reportId, 'feature')) return false; // "Attempt to set a protected feature report."
    if (!hidrawAcceptsLength(data)) return false;
    // Device behaviour, not Chrome's: a SET_REPORT for a report the descriptor lacks is stalled.
    if (!this.features.has(reportId)) return false;
    this.features.set(reportId, data.slice());
    return true;
  }

  /**
   * hid_connection.cc GetFeatureReport, then HIDIOCGFEATURE. hid_connection_linux.cc hands back the
   * buffer as the kernel filled it: for a numbered report its first byte IS the report ID, for report 0
   * Chrome strips the leading 0 Linux adds. So on Linux `receiveFeatureReport(id)` resolves to
   * [id, ...data] for devices with report IDs and to [...data] otherwise (hid_connection.h: "This may
   * include the report ID"). The fake reproduces the Linux result, the platform these tests run on.
   */
  getFeatureReport(reportId: number): Uint8Array | undefined {
    if (this.#maxFeature === 0) return undefined;
    if (!this.#reportIdFits(reportId)) return undefined;
    if (this.isProtected(reportId, 'feature')) return undefined;
    const stored = this.features.get(reportId);
    if (!stored) return undefined; // device stalls the GET_REPORT → ioctl fails
    if (reportId === 0) return stored.slice();
    const withId = new Uint8Array(stored.length + 1);
    withId[0] = reportId;
    withId.set(stored, 1);
    return withId;
  }

  /** hid_connection.cc: `has_report_id() != (report_id != 0)` fails the request. */
  #reportIdFits(reportId: number): boolean {
    return this.config.usesReportIds === (reportId !== 0);
  }
}

/**
 * Linux drivers/hid/hidraw.c hidraw_send_report rejects a buffer shorter than 2 bytes (report ID + one
 * byte) with EINVAL, so an empty report fails on Linux Chrome.
 */
function hidrawAcceptsLength(data: Uint8Array): boolean {
  return data.length + 1 >= 2;
}

class FakeConnectionLink implements ConnectionLink {
  #closed = false;

  constructor(
    readonly device: FakeDeviceHandle,
    readonly client: ConnectionClient,
    private readonly onClose: () => void,
  ) {}

  write(reportId: number, data: Uint8Array): Promise<boolean> {
    return this.#reply(() => this.device.write(reportId, data));
  }

  sendFeatureReport(reportId: number, data: Uint8Array): Promise<boolean> {
    return this.#reply(() => this.device.sendFeatureReport(reportId, data));
  }

  getFeatureReport(reportId: number): Promise<Uint8Array | undefined> {
    return this.#reply(() => this.device.getFeatureReport(reportId));
  }

  close(): void {
    this.sever();
    this.onClose();
  }

  sever(): void {
    this.#closed = true;
  }

  /** Every call is answered in a later task, like a Mojo reply; a closed pipe never answers. */
  #reply<T>(work: () => T): Promise<T> {
    const delay = this.device.config.replyDelayMs ?? 0;
    return new Promise<T>((resolve) => {
      const answer = () => {
        if (!this.#closed) resolve(work());
      };
      if (delay > 0) setTimeout(answer, delay);
      else postTask(answer);
    });
  }
}
