/**
 * node-hid's HIDAsync as far as NodeHidSource uses it (a test double of the third-party library, for unit
 * tests; the real hidraw path is the QEMU guest's), and two small report descriptors.
 */
import { EventEmitter } from 'node:events';
import type { HidHandle } from '../../../src/node-devices/index.ts';

/** Vendor page; report 1: 2 input bytes, report 2: 1 output byte, report 3: 3 feature bytes. */
export const NUMBERED = Uint8Array.from([
  0x06, 0x00, 0xff, 0x09, 0x01, 0xa1, 0x01, 0x15, 0x00, 0x26, 0xff, 0x00, 0x75, 0x08, 0x85, 0x01, 0x09, 0x02,
  0x95, 0x02, 0x81, 0x02, 0x85, 0x02, 0x09, 0x03, 0x95, 0x01, 0x91, 0x02, 0x85, 0x03, 0x09, 0x04, 0x95, 0x03,
  0xb1, 0x02, 0xc0,
]);

/** The same reports without ids. */
export const UNNUMBERED = Uint8Array.from([
  0x06, 0x00, 0xff, 0x09, 0x01, 0xa1, 0x01, 0x15, 0x00, 0x26, 0xff, 0x00, 0x75, 0x08, 0x09, 0x02, 0x95, 0x02,
  0x81, 0x02, 0x09, 0x03, 0x95, 0x01, 0x91, 0x02, 0x09, 0x04, 0x95, 0x03, 0xb1, 0x02, 0xc0,
]);

/** node-hid's HIDAsync as far as NodeHidSource uses it: what was written, and feature replies to give. */
export class HandleDouble extends EventEmitter implements HidHandle {
  readonly writes: number[][] = [];
  readonly featuresSent: number[][] = [];
  readonly featureRequests: Array<[number, number]> = [];
  featureReply = Uint8Array.from([3, 0xa, 0xb, 0xc]);
  closed = false;
  failWrites = false;

  async write(data: Buffer): Promise<number> {
    if (this.failWrites) throw new Error('Cannot write to hid device');
    this.writes.push([...data]);
    return data.length;
  }
  async sendFeatureReport(data: Buffer): Promise<number> {
    this.featuresSent.push([...data]);
    return data.length;
  }
  async getFeatureReport(reportId: number, length: number): Promise<Uint8Array> {
    this.featureRequests.push([reportId, length]);
    return this.featureReply;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}
