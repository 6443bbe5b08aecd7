import { type HidCollectionInfo, synthesizeReportDescriptor, usesReportIds } from '../hid/index.ts';
import { type RemoteDevice, RemoteDeviceError as TransportDeviceError } from '../transport/index.ts';
import { announcedDescriptor } from './announced-descriptor.ts';
import {
  type HidRequest,
  type HidRequestObserver,
  RemoteDeviceError,
  type RemoteHidDevice,
} from './sinks/types.ts';

/**
 * The sinks tell failures apart by their own `RemoteDeviceError` (a timeout becomes a USB timeout, a
 * share that ended becomes "no device", ...). The transport has a class of the same shape; without
 * this translation every failure would look like a device error (a STALL).
 */
function asSinkError(error: unknown): never {
  if (error instanceof TransportDeviceError) {
    throw new RemoteDeviceError(error.code, error.message, { cause: error });
  }
  throw error;
}

const EMPTY = new Uint8Array(0);

/** Runs a request, telling every observer about it and about how it ended. */
async function observed<T>(
  observers: ReadonlySet<HidRequestObserver>,
  request: HidRequest,
  run: () => Promise<T>,
): Promise<T> {
  if (observers.size === 0) return run().catch(asSinkError);
  const finishes = [...observers].map((observe) => observe(request));
  try {
    const result = await run().catch(asSinkError);
    const data = result instanceof Uint8Array ? result : EMPTY;
    for (const finish of finishes) finish({ ok: true, data });
    return result;
  } catch (error) {
    const failure =
      error instanceof RemoteDeviceError
        ? error
        : new RemoteDeviceError('device-error', String(error), { cause: error });
    for (const finish of finishes) finish({ ok: false, error: failure });
    throw error;
  }
}

/**
 * Presents a session's RemoteDevice through the sink contract, with the device's own report descriptor
 * when the sharer sent it (a replayed recording), else one rebuilt from its collections.
 */
export function asRemoteHidDevice(device: RemoteDevice): RemoteHidDevice {
  const { vendorId, productId, productName } = device.announcement;
  // The announcement's collections passed the protocol's schema, which mirrors WebHID's HIDCollectionInfo.
  const collections = device.announcement.collections as unknown as HidCollectionInfo[];
  const observers = new Set<HidRequestObserver>();
  const own = announcedDescriptor(device.announcement.reportDescriptor);
  return {
    info: {
      vendorId,
      productId,
      productName,
      collections,
      reportDescriptor: own?.bytes ?? synthesizeReportDescriptor(collections),
      usesReportIds: own?.numbered ?? usesReportIds(collections),
      descriptorFromDevice: own !== undefined,
    },
    onInput: (listener) => device.onInput(listener),
    onClose: (listener) => device.onClose(listener),
    sendOutputReport: (reportId, data) =>
      observed(observers, { kind: 'output', reportId, data }, () => device.sendOutputReport(reportId, data)),
    getFeatureReport: (reportId) =>
      observed(observers, { kind: 'feature-get', reportId, data: EMPTY }, () =>
        device.getFeatureReport(reportId),
      ),
    setFeatureReport: (reportId, data) =>
      observed(observers, { kind: 'feature-set', reportId, data }, () =>
        device.setFeatureReport(reportId, data),
      ),
    onRequest: (observer) => {
      observers.add(observer);
      return () => observers.delete(observer);
    },
  };
}
