import type { FakeCollectionInfo } from './config.ts';

/** HIDDeviceFilter (https://wicg.github.io/webhid/#dom-hiddevicefilter) after WebIDL conversion. */
export interface DeviceFilter {
  vendorId?: number;
  productId?: number;
  usagePage?: number;
  usage?: number;
}

export interface FilterTarget {
  readonly vendorId: number;
  readonly productId: number;
  readonly collections: readonly FakeCollectionInfo[];
}

/**
 * blink hid.cc HID::CheckDeviceFilterValidity; Chrome rejects with a bare TypeError carrying exactly these
 * messages (no "Failed to execute" prefix, since the promise is rejected after conversion).
 */
export function filterError(filter: DeviceFilter): string | undefined {
  const has = (key: keyof DeviceFilter) => filter[key] !== undefined;
  if (!has('vendorId') && !has('productId') && !has('usagePage') && !has('usage')) {
    return 'A filter must provide a property to filter by.';
  }
  if (has('productId') && !has('vendorId')) {
    return 'A filter containing a productId must also contain a vendorId.';
  }
  if (has('usage') && !has('usagePage')) {
    return 'A filter containing a usage must also contain a usagePage.';
  }
  return undefined;
}

/** services/device/public/cpp/hid/hid_device_filter.cc HidDeviceFilter::Matches (top-level collections only). */
export function filterMatches(filter: DeviceFilter, device: FilterTarget): boolean {
  if (filter.vendorId !== undefined) {
    if (device.vendorId !== filter.vendorId) return false;
    if (filter.productId !== undefined && device.productId !== filter.productId) return false;
  }
  if (filter.usagePage !== undefined) {
    return device.collections.some(
      (collection) =>
        collection.usagePage === filter.usagePage &&
        (filter.usage === undefined || collection.usage === filter.usage),
    );
  }
  return true;
}
