/** A DevicePolicy as ReceiverSession's `admit` screen: offered device → refusal reason, or undefined. */
import type { DeviceOffer } from '../../transport/index.ts';
import { type DeviceFacts, describeDevice, hidFacts, usbFacts } from './facts.ts';
import type { DevicePolicy } from './policy.ts';

export function factsOf(offer: DeviceOffer): DeviceFacts | undefined {
  return offer.kind === 'hid' ? hidFacts(offer.announcement) : usbFacts(offer.announcement);
}

export function admitWith(policy: DevicePolicy): (offer: DeviceOffer) => string | undefined {
  return (offer) => {
    const facts = factsOf(offer);
    if (facts === undefined) return 'its USB descriptors do not parse, so no rule can be checked';
    const decision = policy.decide(facts);
    return decision.allowed ? undefined : decision.reason;
  };
}

/** "Cherry keyboard (046a:0011)", for the refusal line. */
export function describeOffer(offer: DeviceOffer): string {
  const facts = factsOf(offer);
  return facts === undefined ? `USB device on channel ${offer.index}` : describeDevice(facts);
}
