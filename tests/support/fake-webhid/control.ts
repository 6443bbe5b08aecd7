import type { FakeHidControl } from './config.ts';
import { bytesToHex, hexToBytes } from './hex.ts';
import { replayRecording } from './replay.ts';
import type { FakeHidService } from './service.ts';

/** `window.__ferryFakeHid`: what a test drives the fake devices with (see FakeHidControl). */
export function createControl(service: FakeHidService): FakeHidControl {
  const handle = (deviceIndex: number) => service.slot(deviceIndex).handle;
  return {
    replay: (deviceIndex, options = {}) => {
      const slot = service.slot(deviceIndex);
      const recording = slot.config.recording;
      if (!recording?.length) return Promise.reject(new Error(`device ${deviceIndex} has no recording`));
      return replayRecording(slot.handle, recording, options);
    },
    emit: (deviceIndex, reportId, bytes) =>
      handle(deviceIndex)
        .produceInputReport(reportId, hexToBytes(bytes))
        .then((count) => count > 0),
    outputs: (deviceIndex) => handle(deviceIndex).outputs.map((report) => ({ ...report })),
    setFeature: (deviceIndex, reportId, bytes) => {
      handle(deviceIndex).features.set(reportId, hexToBytes(bytes));
    },
    features: (deviceIndex) => {
      const entries = [...handle(deviceIndex).features].map(
        ([id, bytes]) => [id, bytesToHex(bytes)] as const,
      );
      return Object.fromEntries(entries);
    },
    unplug: (deviceIndex) => service.unplug(deviceIndex),
    plug: (deviceIndex) => service.plug(deviceIndex),
    setChooser: (choice) => {
      service.chooser = choice;
    },
    chooserRequests: () => structuredClone(service.chooserRequests),
  };
}
