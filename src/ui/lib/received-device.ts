import type { RemoteDevice } from '../../transport/index.ts';

/**
 * What the receiver page's device panel uses of a shared HID device: a link's RemoteDevice, or the
 * page's HidTile, which outlives the link (controllers/hid-tile.ts).
 */
export type ReceivedHidDevice = Pick<
  RemoteDevice,
  'announcement' | 'onInput' | 'sendOutputReport' | 'getFeatureReport' | 'setFeatureReport'
>;
