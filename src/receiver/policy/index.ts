export { admitWith, describeOffer, factsOf } from './admit.ts';
export { isSelectorError, SelectorError, type SelectorErrorCode } from './errors.ts';
export {
  type DeviceFacts,
  type DevicePart,
  describeDevice,
  HID_INTERFACE_CLASS,
  hidFacts,
  usbFacts,
} from './facts.ts';
export { DevicePolicy, type PolicyDecision } from './policy.ts';
export { ANY, type DeviceSelector, formatSelector, parseSelector, parseSelectorList } from './selector.ts';
