/**
 * URBs on one capture: ids, device addresses and the submission/completion pair of each URB, written
 * through one UsbmonPcapngWriter with one reused record (nothing allocated per input report).
 */
import { SetupPacketLayout } from '../usb/descriptor-layouts.ts';
import { EINPROGRESS, UsbmonEvent, UsbmonTransfer, type UsbmonTransferType } from './usbmon-layout.ts';
import { emptyRecord, type UsbmonIsoPacket, type UsbmonPcapngWriter } from './usbmon-writer.ts';

/** The one bus every captured device sits on. */
export const CAPTURE_BUS = 1;

export interface Urb {
  readonly id: number;
  readonly device: number;
  readonly transferType: UsbmonTransferType;
  /** Endpoint address, bit 7 set for IN. */
  readonly endpoint: number;
  readonly interval: number;
}

export interface ControlSetup {
  readonly requestType: number;
  readonly request: number;
  readonly value: number;
  readonly index: number;
  readonly length: number;
}

export interface IsoFrame {
  readonly errorCount: number;
  readonly packets: readonly UsbmonIsoPacket[];
}

const EMPTY = new Uint8Array(0);

export class UrbRecorder {
  private readonly record = emptyRecord();
  private readonly setupBytes = new Uint8Array(SetupPacketLayout.size);
  private nextId = 1;
  private nextDevice = 1;

  /** `now`: microseconds since the epoch, for events that carry no timestamp of their own. */
  constructor(
    private readonly writer: UsbmonPcapngWriter,
    readonly now: () => number,
  ) {}

  /** A fresh device address (1–127, then round again): each attached device gets its own. */
  deviceAddress(): number {
    const address = this.nextDevice;
    this.nextDevice = (this.nextDevice % 127) + 1;
    return address;
  }

  urb(device: number, transferType: UsbmonTransferType, endpoint: number, interval = 0): Urb {
    const id = this.nextId;
    this.nextId = (this.nextId % Number.MAX_SAFE_INTEGER) + 1;
    return { id, device, transferType, endpoint, interval };
  }

  /** A control URB on endpoint 0, its direction taken from the SETUP packet. */
  controlUrb(device: number, setup: ControlSetup): Urb {
    return this.urb(device, UsbmonTransfer.control, setup.requestType & 0x80);
  }

  submitControl(urb: Urb, setup: ControlSetup, data: Uint8Array): void {
    SetupPacketLayout.encodeInto(
      {
        bmRequestType: setup.requestType,
        bRequest: setup.request,
        wValue: setup.value,
        wIndex: setup.index,
        wLength: setup.length,
      },
      this.setupBytes,
    );
    this.write(urb, UsbmonEvent.submission, -EINPROGRESS, setup.length, data, this.now());
  }

  submit(urb: Urb, length: number, data: Uint8Array, iso?: IsoFrame): void {
    this.record.iso = iso;
    this.write(urb, UsbmonEvent.submission, -EINPROGRESS, length, data, this.now());
    this.record.iso = undefined;
  }

  complete(
    urb: Urb,
    status: number,
    length: number,
    data: Uint8Array,
    timestampMicros = this.now(),
    dataPrefix?: number,
    iso?: IsoFrame,
  ): void {
    this.record.dataPrefix = dataPrefix;
    this.record.iso = iso;
    this.write(urb, UsbmonEvent.completion, status, length, data, timestampMicros);
    this.record.dataPrefix = undefined;
    this.record.iso = undefined;
  }

  /** A whole control transfer that happened at once (the enumeration a host would have done). */
  control(device: number, setup: ControlSetup, reply: Uint8Array = EMPTY): void {
    const urb = this.controlUrb(device, setup);
    const isIn = (setup.requestType & 0x80) !== 0;
    this.submitControl(urb, setup, isIn ? EMPTY : reply);
    this.complete(urb, 0, isIn ? reply.length : setup.length, isIn ? reply : EMPTY);
  }

  private write(
    urb: Urb,
    event: typeof UsbmonEvent.submission | typeof UsbmonEvent.completion,
    status: number,
    length: number,
    data: Uint8Array,
    timestampMicros: number,
  ): void {
    const record = this.record;
    record.id = urb.id;
    record.event = event;
    record.transferType = urb.transferType;
    record.endpoint = urb.endpoint;
    record.device = urb.device;
    record.bus = CAPTURE_BUS;
    record.timestampMicros = timestampMicros;
    record.status = status;
    record.length = length;
    record.data = data;
    record.interval = urb.interval;
    // Only a control submission carries a SETUP packet (submitControl has just encoded it).
    const isControlSubmission =
      event === UsbmonEvent.submission && urb.transferType === UsbmonTransfer.control;
    record.setup = isControlSubmission ? this.setupBytes : undefined;
    this.writer.packet(record);
    record.data = EMPTY;
  }
}
