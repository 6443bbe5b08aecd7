/** Decoded generic-USB frames. `data` fields are views into the received message (no copy). */
import type { UsbStatusName } from './usb-layout.ts';

/** One raw descriptor as the sharer read it with GET_DESCRIPTOR. */
export interface UsbDescriptorEntry {
  /** bDescriptorType: 1 device, 2 configuration, 3 string, 15 BOS. */
  readonly type: number;
  /** Configuration index or string index (0 for device and BOS). */
  readonly index: number;
  /** LANGID of a string descriptor; 0 otherwise. */
  readonly langId: number;
  readonly bytes: Uint8Array;
}

export interface UsbAnnouncement {
  /** bConfigurationValue selected on the sharer when the share began; 0 = unconfigured. */
  readonly activeConfiguration: number;
  readonly descriptors: readonly UsbDescriptorEntry[];
}

/** The SETUP packet of a control transfer (USB 2.0 §9.3). */
export interface UsbSetup {
  readonly requestType: number;
  readonly request: number;
  readonly value: number;
  readonly index: number;
  readonly length: number;
}

export type UsbCommandMessage =
  | { readonly kind: 'clear-halt'; readonly requestId: number; readonly endpoint: number }
  | { readonly kind: 'reset'; readonly requestId: number }
  | { readonly kind: 'select-configuration'; readonly requestId: number; readonly value: number }
  | {
      readonly kind: 'select-alternate';
      readonly requestId: number;
      readonly interfaceNumber: number;
      readonly alternateSetting: number;
    }
  | { readonly kind: 'cancel'; readonly requestId: number; readonly target: number };

/** Receiver → sharer. */
export type UsbRequestMessage =
  | {
      readonly kind: 'control';
      readonly requestId: number;
      readonly setup: UsbSetup;
      /** OUT data stage (exactly setup.length bytes); empty for IN. */
      readonly data: Uint8Array;
    }
  | {
      readonly kind: 'transfer';
      readonly requestId: number;
      /** Endpoint address, bit 7 set for IN. */
      readonly endpoint: number;
      /** IN: bytes wanted; OUT: data.length. */
      readonly length: number;
      readonly data: Uint8Array;
    }
  | {
      readonly kind: 'isochronous';
      readonly requestId: number;
      readonly endpoint: number;
      readonly packetLengths: readonly number[];
      /** OUT: the packets back to back; empty for IN. */
      readonly data: Uint8Array;
    }
  | UsbCommandMessage;

export interface UsbIsoPacketResult {
  readonly status: UsbStatusName;
  readonly actualLength: number;
}

/** Sharer → receiver. */
export type UsbCompletionMessage =
  | {
      readonly kind: 'completion';
      readonly requestId: number;
      readonly status: UsbStatusName;
      /** IN: data.length; OUT: bytes written. */
      readonly actualLength: number;
      /** IN data; empty for OUT and commands. */
      readonly data: Uint8Array;
    }
  | {
      readonly kind: 'iso-completion';
      readonly requestId: number;
      readonly status: UsbStatusName;
      readonly packets: readonly UsbIsoPacketResult[];
      /** IN: each packet's actualLength bytes, back to back; empty for OUT. */
      readonly data: Uint8Array;
    };

export type UsbMessage =
  | ({ readonly kind: 'announce' } & UsbAnnouncement)
  | UsbRequestMessage
  | UsbCompletionMessage;

/** The Frame variant every USB frame type decodes to. */
export interface UsbFrame {
  readonly type: 'usb';
  readonly device: number;
  readonly message: UsbMessage;
}
