/**
 * HIDDeviceRequestOptions (https://wicg.github.io/webhid/#dom-hiddevicerequestoptions): WebIDL conversion,
 * Chrome's validity checks (blink hid.cc CheckDeviceFilterValidity) and its matching
 * (services/device/public/cpp/hid/hid_device_filter.cc), against what a sharer announced.
 */
import { operationError, toUnsigned } from './webidl.ts';

/** HIDDeviceFilter after WebIDL conversion. */
export interface DeviceFilter {
  vendorId?: number;
  productId?: number;
  usagePage?: number;
  usage?: number;
}

export interface FilterTarget {
  readonly vendorId: number;
  readonly productId: number;
  readonly collections: readonly { readonly usagePage?: number; readonly usage?: number }[];
}

export interface RequestOptions {
  filters: DeviceFilter[];
  exclusionFilters: DeviceFilter[];
}

const requestError = (message: string) => new TypeError(operationError('HID', 'requestDevice', message));

/** The options of `requestDevice(...args)`, or the TypeError Chrome rejects with, in Chrome's order. */
export function requestOptions(args: readonly unknown[]): RequestOptions | TypeError {
  if (args.length < 1) return requestError('1 argument required, but only 0 present.');
  const options = args[0];
  if (options !== undefined && options !== null && typeof options !== 'object') {
    return requestError("The provided value is not of type 'HIDDeviceRequestOptions'.");
  }
  const source = (options ?? {}) as { filters?: unknown; exclusionFilters?: unknown };
  if (source.filters === undefined) {
    return requestError(
      "Failed to read the 'filters' property from 'HIDDeviceRequestOptions': Required member is undefined.",
    );
  }
  const filters = toFilters(source.filters, 'filters');
  if (typeof filters === 'string') return requestError(filters);
  const exclusionFilters =
    source.exclusionFilters === undefined
      ? undefined
      : toFilters(source.exclusionFilters, 'exclusionFilters');
  if (typeof exclusionFilters === 'string') return requestError(exclusionFilters);
  // hid.cc checks validity after conversion, with a bare TypeError (no "Failed to execute" prefix).
  for (const filter of [...filters, ...(exclusionFilters ?? [])]) {
    const error = filterError(filter);
    if (error) return new TypeError(error);
  }
  if (exclusionFilters?.length === 0) {
    return requestError("'exclusionFilters', if present, must contain at least one filter.");
  }
  return { filters, exclusionFilters: exclusionFilters ?? [] };
}

/** WebIDL dictionary conversion of a sequence of HIDDeviceFilter; a TypeError message on failure. */
function toFilters(value: unknown, member: string): DeviceFilter[] | string {
  if (value === null || typeof value !== 'object' || !(Symbol.iterator in value)) {
    return `Failed to read the '${member}' property from 'HIDDeviceRequestOptions': The provided value cannot be converted to a sequence.`;
  }
  const filters: DeviceFilter[] = [];
  for (const entry of value as Iterable<unknown>) {
    if (entry !== undefined && entry !== null && typeof entry !== 'object' && typeof entry !== 'function') {
      return `Failed to read the '${member}' property from 'HIDDeviceRequestOptions': The provided value is not of type 'HIDDeviceFilter'.`;
    }
    const source = (entry ?? {}) as Record<string, unknown>;
    const filter: DeviceFilter = {};
    if (source.vendorId !== undefined) filter.vendorId = toUnsigned(source.vendorId, 32);
    if (source.productId !== undefined) filter.productId = toUnsigned(source.productId, 16);
    if (source.usagePage !== undefined) filter.usagePage = toUnsigned(source.usagePage, 16);
    if (source.usage !== undefined) filter.usage = toUnsigned(source.usage, 16);
    filters.push(filter);
  }
  return filters;
}

/** Chrome's messages for a filter that can never be meant. */
export function filterError(filter: DeviceFilter): string | undefined {
  const has = (key: keyof DeviceFilter) => filter[key] !== undefined;
  if (!has('vendorId') && !has('productId') && !has('usagePage') && !has('usage')) {
    return 'A filter must provide a property to filter by.';
  }
  if (has('productId') && !has('vendorId'))
    return 'A filter containing a productId must also contain a vendorId.';
  if (has('usage') && !has('usagePage')) return 'A filter containing a usage must also contain a usagePage.';
  return undefined;
}

/** HidDeviceFilter::Matches: ids, then any top-level collection's usage. */
export function filterMatches(filter: DeviceFilter, device: FilterTarget): boolean {
  if (filter.vendorId !== undefined) {
    if (device.vendorId !== filter.vendorId) return false;
    if (filter.productId !== undefined && device.productId !== filter.productId) return false;
  }
  if (filter.usagePage === undefined) return true;
  return device.collections.some(
    (collection) =>
      collection.usagePage === filter.usagePage &&
      (filter.usage === undefined || collection.usage === filter.usage),
  );
}

/** What Chrome's chooser would list: any filter matches (no filters: every device), no exclusion does. */
export function chooserLists(options: RequestOptions, device: FilterTarget): boolean {
  const { filters, exclusionFilters } = options;
  if (filters.length > 0 && !filters.some((filter) => filterMatches(filter, device))) return false;
  return !exclusionFilters.some((filter) => filterMatches(filter, device));
}
