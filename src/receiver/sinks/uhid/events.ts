/** The uhid events Ferry sends and receives, as plain data. Byte layout: layout.ts. */
import type { UhidReportType } from './layout.ts';

export interface UhidCreate2 {
  readonly type: 'create2';
  readonly name: string;
  readonly phys: string;
  readonly uniq: string;
  readonly bus: number;
  readonly vendor: number;
  readonly product: number;
  readonly version: number;
  readonly country: number;
  readonly descriptor: Uint8Array;
}

export type UhidEvent =
  | UhidCreate2
  | { readonly type: 'destroy' }
  | { readonly type: 'start'; readonly devFlags: number }
  | { readonly type: 'stop' }
  | { readonly type: 'open' }
  | { readonly type: 'close' }
  | { readonly type: 'input2'; readonly data: Uint8Array }
  | { readonly type: 'output'; readonly reportType: UhidReportType; readonly data: Uint8Array }
  | {
      readonly type: 'get-report';
      readonly id: number;
      readonly reportNumber: number;
      readonly reportType: UhidReportType;
    }
  | {
      readonly type: 'get-report-reply';
      readonly id: number;
      readonly err: number;
      readonly data: Uint8Array;
    }
  | {
      readonly type: 'set-report';
      readonly id: number;
      readonly reportNumber: number;
      readonly reportType: UhidReportType;
      readonly data: Uint8Array;
    }
  | { readonly type: 'set-report-reply'; readonly id: number; readonly err: number };

export type UhidEventOf<T extends UhidEvent['type']> = Extract<UhidEvent, { type: T }>;
