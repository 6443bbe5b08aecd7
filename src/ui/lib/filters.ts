import { parseOptionalHexNumber } from './hex.ts';

export interface FilterFields {
  vendorId: string;
  productId: string;
  usagePage: string;
  usage: string;
}

/**
 * One WebHID filter from the optional fields (hex), or none when all are empty: Chrome then lists every
 * device. A product id means nothing without a vendor id, so Chrome rejects that combination; say so here.
 */
export function filtersFrom(fields: FilterFields): HIDDeviceFilter[] {
  const filter: HIDDeviceFilter = {};
  const vendorId = parseOptionalHexNumber(fields.vendorId, 0xffff);
  const productId = parseOptionalHexNumber(fields.productId, 0xffff);
  const usagePage = parseOptionalHexNumber(fields.usagePage, 0xffff);
  const usage = parseOptionalHexNumber(fields.usage, 0xffff);
  if (productId !== undefined && vendorId === undefined)
    throw new Error('A product id filter needs a vendor id too.');
  if (usage !== undefined && usagePage === undefined)
    throw new Error('A usage filter needs a usage page too.');
  if (vendorId !== undefined) filter.vendorId = vendorId;
  if (productId !== undefined) filter.productId = productId;
  if (usagePage !== undefined) filter.usagePage = usagePage;
  if (usage !== undefined) filter.usage = usage;
  return Object.keys(filter).length > 0 ? [filter] : [];
}
