/**
 * A shared HID device as a USB host would have seen it: the enumeration (device, configuration,
 * strings, SET_CONFIGURATION, the HID report descriptor) from the same descriptors the usbip and
 * usbredir sinks present, then each input report as an interrupt IN completion (timed by the sharer's
 * clock) and each output or feature report as a SET_REPORT / GET_REPORT control transfer.
 */
import { type HidCollectionInfo, modelFromCollections } from '../../../hid/index.ts';
import { hidReportSizes } from '../report-sizes.ts';
import type { HidRequest, HidRequestOutcome, RemoteDeviceError, RemoteHidDevice } from '../types.ts';
import { HidRequest as HidClassRequest, HidReportType } from '../usb/control.ts';
import { DescriptorType } from '../usb/descriptor-layouts.ts';
import {
  CONFIGURATION_VALUE,
  HID_INTERFACE_NUMBER,
  type HidUsbDescriptors,
} from '../usb/hid-usb-descriptors.ts';
import { frameReport } from '../usb/report-framing.ts';
import { LANGID_EN_US } from '../usb/string-descriptors.ts';
import { hidUsbDescriptorsFor } from '../usb/usb-hid-device.ts';
import { Errno } from '../usbip/protocol.ts';
import type { ControlSetup, UrbRecorder } from './urb-recorder.ts';
import { UsbmonTransfer } from './usbmon-layout.ts';

const GET_DESCRIPTOR = 0x06;
const SET_CONFIGURATION = 0x09;
const DEVICE_TO_HOST = 0x80;
const INTERFACE_DEVICE_TO_HOST = 0x81;
const CLASS_INTERFACE_HOST_TO_DEVICE = 0x21;
const CLASS_INTERFACE_DEVICE_TO_HOST = 0xa1;
/** GET_REPORT asks for this much when the layout does not say (a full-speed packet). */
const FALLBACK_FEATURE_LENGTH = 64;
const EMPTY = new Uint8Array(0);

const getDescriptor = (requestType: number, type: number, index: number, wIndex: number, length: number) => ({
  requestType,
  request: GET_DESCRIPTOR,
  value: (type << 8) | index,
  index: wIndex,
  length,
});

/** The enumeration, as control transfers that all succeed. */
function enumerate(recorder: UrbRecorder, device: number, descriptors: HidUsbDescriptors): void {
  const { device: deviceDescriptor, configuration, strings, report } = descriptors;
  const ask = (setup: ControlSetup, reply: Uint8Array) => recorder.control(device, setup, reply);
  ask(getDescriptor(DEVICE_TO_HOST, DescriptorType.device, 0, 0, deviceDescriptor.length), deviceDescriptor);
  ask(getDescriptor(DEVICE_TO_HOST, DescriptorType.configuration, 0, 0, configuration.length), configuration);
  for (const [index, bytes] of strings) {
    const langId = index === 0 ? 0 : LANGID_EN_US;
    ask(getDescriptor(DEVICE_TO_HOST, DescriptorType.string, index, langId, 255), bytes);
  }
  recorder.control(device, {
    requestType: 0,
    request: SET_CONFIGURATION,
    value: CONFIGURATION_VALUE,
    index: 0,
    length: 0,
  });
  const reportSetup = getDescriptor(
    INTERFACE_DEVICE_TO_HOST,
    DescriptorType.report,
    0,
    HID_INTERFACE_NUMBER,
    report.length,
  );
  ask(reportSetup, report);
}

/** Linux's URB status for a request that failed (the same errnos the usbip sink answers with). */
function failureStatus(error: RemoteDeviceError): number {
  switch (error.code) {
    case 'timeout':
      return -Errno.ETIMEDOUT;
    case 'closed':
      return -Errno.ENODEV;
    case 'not-allowed':
      return -Errno.EPERM;
    default:
      return -Errno.EPIPE;
  }
}

function featureLengths(device: RemoteHidDevice): (reportId: number) => number {
  let layouts: ReadonlyMap<number, { readonly byteLength: number }> = new Map();
  try {
    layouts = modelFromCollections(device.info.collections as HidCollectionInfo[]).reports.feature;
  } catch {
    // A layout src/hid rejects: GET_REPORT asks for a full packet.
  }
  const idByte = device.info.usesReportIds ? 1 : 0;
  return (reportId) => (layouts.get(reportId)?.byteLength ?? FALLBACK_FEATURE_LENGTH) + idByte;
}

/** SET_REPORT / GET_REPORT for one request: the submission now, the completion when it ends. */
function requestTap(recorder: UrbRecorder, device: number, hid: RemoteHidDevice) {
  const { usesReportIds } = hid.info;
  const featureLength = featureLengths(hid);
  return (request: HidRequest) => {
    const isGet = request.kind === 'feature-get';
    const type = request.kind === 'output' ? HidReportType.output : HidReportType.feature;
    const out = isGet ? EMPTY : frameReport(request.reportId, request.data, usesReportIds);
    const setup = {
      requestType: isGet ? CLASS_INTERFACE_DEVICE_TO_HOST : CLASS_INTERFACE_HOST_TO_DEVICE,
      request: isGet ? HidClassRequest.getReport : HidClassRequest.setReport,
      value: (type << 8) | request.reportId,
      index: HID_INTERFACE_NUMBER,
      length: isGet ? featureLength(request.reportId) : out.length,
    };
    const urb = recorder.controlUrb(device, setup);
    recorder.submitControl(urb, setup, out);
    return (outcome: HidRequestOutcome) => {
      if (!outcome.ok) {
        recorder.complete(urb, failureStatus(outcome.error), 0, EMPTY);
        return;
      }
      // A SET_REPORT completion carries no data; a GET_REPORT one carries the report, id byte first.
      const reply = isGet ? frameReport(request.reportId, outcome.data, usesReportIds) : EMPTY;
      recorder.complete(urb, 0, isGet ? reply.length : out.length, reply);
    };
  };
}

/** Starts capturing one HID device; returns what stops it. */
export function captureHidDevice(recorder: UrbRecorder, hid: RemoteHidDevice, serialNumber: string) {
  const device = recorder.deviceAddress();
  const { info } = hid;
  const descriptors = hidUsbDescriptorsFor(info, serialNumber, hidReportSizes);
  enumerate(recorder, device, descriptors);
  const { interruptIn } = descriptors;
  // One interrupt IN URB, resubmitted for ever as a host driver does: every report completes it.
  const pipe = recorder.urb(device, UsbmonTransfer.interrupt, interruptIn.address, interruptIn.interval);
  const prefix = info.usesReportIds;
  const stops = [
    hid.onInput((reportId, data, timestampMs) =>
      recorder.complete(
        pipe,
        0,
        data.length + (prefix ? 1 : 0),
        data,
        Math.round(timestampMs * 1000),
        prefix ? reportId : undefined,
      ),
    ),
    hid.onRequest?.(requestTap(recorder, device, hid)) ?? (() => {}),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
