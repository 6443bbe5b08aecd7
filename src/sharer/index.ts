/** The headless sharer `ferry share` runs (Node): approval on the terminal, the share's life and end. */
export { type ApprovalAnswers, ApprovalPrompt } from './approval-prompt.ts';
export { type ClosableUsbSource, liveDevices } from './live-devices.ts';
export {
  type PlayedSource,
  replayedDevices,
  type SharedDevices,
  type ShareOptions,
  type ShareResult,
  share,
} from './share.ts';
