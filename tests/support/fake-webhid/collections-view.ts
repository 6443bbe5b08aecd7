import type { FakeCollectionInfo } from './config.ts';
import { isProtectedInRenderer } from './protection.ts';

/**
 * `HIDDevice.collections` as blink builds it (hid_device.cc UpdateDeviceInfo): top-level collections with
 * a protected usage keep their place but lose the protected report lists. HIDCollectionInfo is a WebIDL
 * dictionary, so the page gets fresh plain objects inside a FrozenArray — only the outer array is frozen
 * (WebIDL "create a frozen array").
 */
export function collectionsForPage(
  collections: readonly FakeCollectionInfo[],
): readonly FakeCollectionInfo[] {
  const view = collections.map((collection) => {
    const copy = structuredClone(collection) as {
      -readonly [K in keyof FakeCollectionInfo]: FakeCollectionInfo[K];
    };
    const { usagePage, usage } = collection;
    if (isProtectedInRenderer(usagePage, usage, 'input')) copy.inputReports = [];
    if (isProtectedInRenderer(usagePage, usage, 'output')) copy.outputReports = [];
    if (isProtectedInRenderer(usagePage, usage, 'feature')) copy.featureReports = [];
    return copy;
  });
  return Object.freeze(view);
}
