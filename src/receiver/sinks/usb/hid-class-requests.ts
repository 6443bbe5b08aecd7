/**
 * HID class requests (HID 1.11 section 7.2). Idle and protocol are host-side bookkeeping answered
 * locally; GET_REPORT / SET_REPORT go to the real device through the RemoteHidDevice.
 */
import { RemoteDeviceError, type RemoteHidDevice } from '../types.ts';
import {
  answer,
  CONTROL_OK,
  CONTROL_STALL,
  type ControlResult,
  HidReportType,
  HidRequest,
  type SetupPacket,
} from './control.ts';
import { HID_INTERFACE_NUMBER } from './hid-usb-descriptors.ts';
import { frameReport, splitReport } from './report-framing.ts';

export interface HidClassState {
  /** 0 = boot protocol, 1 = report protocol (the default after reset). */
  protocol: number;
  /** Idle rate per report id (4 ms units). Recorded only: the sharer's device decides when it reports. */
  readonly idleRates: Map<number, number>;
  /** Last input report per id, framed, for GET_REPORT(Input). */
  readonly lastInput: Map<number, Uint8Array>;
}

export interface HidClassContext {
  readonly device: RemoteHidDevice;
  readonly usesReportIds: boolean;
  readonly state: HidClassState;
}

export function handleHidClassRequest(
  setup: SetupPacket,
  dataOut: Uint8Array,
  context: HidClassContext,
): ControlResult | Promise<ControlResult> {
  if (setup.index !== HID_INTERFACE_NUMBER) return CONTROL_STALL;
  const reportId = setup.value & 0xff;
  const { state } = context;
  switch (setup.request) {
    case HidRequest.getReport:
      return getReport(setup, reportId, context);
    case HidRequest.setReport:
      return setReport(setup.value >> 8, reportId, dataOut, context);
    case HidRequest.getIdle:
      return answer(setup, Uint8Array.of(state.idleRates.get(reportId) ?? 0));
    case HidRequest.setIdle:
      state.idleRates.set(reportId, setup.value >> 8);
      return CONTROL_OK;
    case HidRequest.getProtocol:
      return answer(setup, Uint8Array.of(state.protocol));
    case HidRequest.setProtocol:
      state.protocol = setup.value & 1;
      return CONTROL_OK;
    default:
      return CONTROL_STALL;
  }
}

async function getReport(
  setup: SetupPacket,
  reportId: number,
  context: HidClassContext,
): Promise<ControlResult> {
  const type = setup.value >> 8;
  if (type === HidReportType.input) {
    const last = context.state.lastInput.get(reportId);
    return last === undefined ? CONTROL_STALL : answer(setup, last);
  }
  if (type !== HidReportType.feature) return CONTROL_STALL;
  try {
    const data = await context.device.getFeatureReport(reportId);
    return answer(setup, frameReport(reportId, data, context.usesReportIds));
  } catch (error) {
    return deviceFailure(error);
  }
}

async function setReport(
  type: number,
  reportId: number,
  dataOut: Uint8Array,
  context: HidClassContext,
): Promise<ControlResult> {
  const data = splitReport(dataOut, context.usesReportIds).data;
  try {
    if (type === HidReportType.output) await context.device.sendOutputReport(reportId, data);
    else if (type === HidReportType.feature) await context.device.setFeatureReport(reportId, data);
    else return CONTROL_STALL;
    return CONTROL_OK;
  } catch (error) {
    return deviceFailure(error);
  }
}

/** A device that refuses a request stalls it, as real hardware would; a closed share has no device. */
export function deviceFailure(error: unknown): ControlResult {
  if (!(error instanceof RemoteDeviceError)) return CONTROL_STALL;
  if (error.code === 'timeout') return { status: 'timeout' };
  if (error.code === 'closed') return { status: 'no-device' };
  return CONTROL_STALL;
}
