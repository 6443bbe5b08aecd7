/**
 * One HID function as a USB device sees it: cached descriptors, chapter 9 + HID class state, and the
 * mapping of control and interrupt transfers onto a RemoteHidDevice. No I/O and no protocol framing —
 * the USB/IP and usbredir sinks both drive it.
 */
import type { RemoteHidDevice } from '../types.ts';
import { CONTROL_OK, CONTROL_STALL, type ControlResult, RequestType, type SetupPacket } from './control.ts';
import { deviceFailure, type HidClassState, handleHidClassRequest } from './hid-class-requests.ts';
import type { HidUsbDescriptors } from './hid-usb-descriptors.ts';
import { frameReport, splitReport } from './report-framing.ts';
import { handleStandardRequest, type StandardState } from './standard-requests.ts';

export class HidFunction {
  readonly standard: StandardState = { configuration: 0 };
  readonly hidState: HidClassState = { protocol: 1, idleRates: new Map(), lastInput: new Map() };

  constructor(
    readonly device: RemoteHidDevice,
    readonly descriptors: HidUsbDescriptors,
  ) {}

  /** `dataOut` is the host-to-device data stage (empty for IN requests). */
  control(setup: SetupPacket, dataOut: Uint8Array): ControlResult | Promise<ControlResult> {
    const type = setup.requestType & RequestType.typeMask;
    if (type === RequestType.standard) return handleStandardRequest(setup, this.descriptors, this.standard);
    if (type === RequestType.class) {
      return handleHidClassRequest(setup, dataOut, {
        device: this.device,
        usesReportIds: this.descriptors.usesReportIds,
        state: this.hidState,
      });
    }
    return CONTROL_STALL;
  }

  /** An input report as the interrupt IN pipe carries it; also remembered for GET_REPORT(Input). */
  frameInput(reportId: number, data: Uint8Array): Uint8Array {
    const framed = frameReport(reportId, data, this.descriptors.usesReportIds);
    // `data` belongs to the caller; keep our own bytes when framing did not already copy.
    const kept = framed === data ? new Uint8Array(data) : framed;
    this.hidState.lastInput.set(reportId, kept);
    return kept;
  }

  /** An interrupt OUT transfer is one output report (id byte first when ids are used). */
  async interruptOut(framed: Uint8Array): Promise<ControlResult> {
    if (this.descriptors.interruptOut === undefined) return CONTROL_STALL;
    const { reportId, data } = splitReport(framed, this.descriptors.usesReportIds);
    try {
      await this.device.sendOutputReport(reportId, data);
      return CONTROL_OK;
    } catch (error) {
      return deviceFailure(error);
    }
  }

  /** Bus reset: back to the unconfigured, report-protocol state. */
  reset(): void {
    this.standard.configuration = 0;
    this.hidState.protocol = 1;
    this.hidState.idleRates.clear();
  }
}
