/**
 * Devices that only Node can give (files, real timers), beside the platform-free src/devices: a
 * hid-recorder file replayed as a live HID device (`ferry share --replay`).
 */
export { openRecordingFile, RecordingFileError, type RecordingFileOptions } from './recording-file.ts';
export { systemClock } from './system-clock.ts';
