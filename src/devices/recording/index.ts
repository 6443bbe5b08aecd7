export { RecordingError, type RecordingErrorCode } from './errors.ts';
export {
  MAX_DESCRIPTOR_BYTES,
  MAX_REPORT_BYTES,
  parseRecording,
  printEvent,
  printRecording,
  type RecordedEvent,
  type Recording,
} from './format.ts';
export { RecordingSource, type ReplayClock, type ReplayOptions } from './replay.ts';
