/** One Ferry USB request performed with WebUSB calls, and its result as a completion. */
import type {
  UsbCompletionMessage,
  UsbRequestMessage,
  UsbSetup,
  UsbStatusName,
} from '../../protocol/index.ts';
import { claimAllInterfaces } from './claim-interfaces.ts';

const REQUEST_TYPES: readonly (USBRequestType | undefined)[] = ['standard', 'class', 'vendor', undefined];
const RECIPIENTS: readonly USBRecipient[] = ['device', 'interface', 'endpoint', 'other'];
const EMPTY: Uint8Array = new Uint8Array(0);

/** Frames are never backed by a SharedArrayBuffer; WebUSB's BufferSource type just cannot know that. */
const source = (data: Uint8Array) => data as Uint8Array<ArrayBuffer>;

type Completion = UsbCompletionMessage;

const bytes = (view: DataView | undefined) =>
  view === undefined ? EMPTY : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);

export const completion = (
  requestId: number,
  status: UsbStatusName,
  data: Uint8Array = EMPTY,
  actualLength = data.length,
): Completion => ({
  kind: 'completion',
  requestId,
  status,
  actualLength,
  data,
});

/** WebUSB's USBControlTransferParameters from a SETUP packet; undefined for a reserved type or recipient. */
export function controlParameters(setup: UsbSetup): USBControlTransferParameters | undefined {
  const requestType = REQUEST_TYPES[(setup.requestType >> 5) & 0x03];
  const recipient = RECIPIENTS[setup.requestType & 0x1f];
  if (requestType === undefined || recipient === undefined) return undefined;
  return { requestType, recipient, request: setup.request, value: setup.value, index: setup.index };
}

/**
 * Performs `request` (never a cancel: the source handles those). Rejections propagate to the caller.
 * Not async: the transfers (the per-report path) return the WebUSB call's own promise, chained once,
 * rather than through an async function's extra promise and turns.
 */
export function performRequest(
  device: USBDevice,
  request: Exclude<UsbRequestMessage, { kind: 'cancel' }>,
): Promise<Completion> {
  switch (request.kind) {
    case 'control':
      return control(device, request.requestId, request.setup, request.data);
    case 'transfer':
      return transfer(device, request.requestId, request.endpoint, request.length, request.data);
    case 'isochronous':
      return isochronous(device, request);
    default:
      return command(device, request);
  }
}

/** The requests that move no data: each WebUSB call, then `ok`. */
async function command(
  device: USBDevice,
  request: Extract<
    UsbRequestMessage,
    { kind: 'clear-halt' | 'reset' | 'select-configuration' | 'select-alternate' }
  >,
): Promise<Completion> {
  const id = request.requestId;
  switch (request.kind) {
    case 'clear-halt':
      await device.clearHalt(request.endpoint & 0x80 ? 'in' : 'out', request.endpoint & 0x0f);
      break;
    case 'reset':
      await device.reset();
      break;
    case 'select-configuration':
      await device.selectConfiguration(request.value);
      // A new configuration has new interfaces: claim them again, as at open.
      await claimAllInterfaces(device);
      break;
    case 'select-alternate':
      await device.selectAlternateInterface(request.interfaceNumber, request.alternateSetting);
      break;
  }
  return completion(id, 'ok');
}

/*
 * control and transfer start the WebUSB call and chain the completion with then() rather than await:
 * an async function keeps its arguments until it returns, and `data` is a view into the link's message,
 * which must not live as long as the transfer does (a bulk or interrupt IN may wait a long time).
 */
function control(device: USBDevice, id: number, setup: UsbSetup, data: Uint8Array): Promise<Completion> {
  const parameters = controlParameters(setup);
  if (parameters === undefined) return Promise.resolve(completion(id, 'error'));
  if (setup.requestType & 0x80) {
    return device
      .controlTransferIn(parameters, setup.length)
      .then((result) => completion(id, result.status, bytes(result.data)));
  }
  return device
    .controlTransferOut(parameters, source(data))
    .then((result) => completion(id, result.status, EMPTY, result.bytesWritten));
}

function transfer(
  device: USBDevice,
  id: number,
  endpoint: number,
  length: number,
  data: Uint8Array,
): Promise<Completion> {
  if (endpoint & 0x80) {
    return device
      .transferIn(endpoint & 0x0f, length)
      .then((result) => completion(id, result.status, bytes(result.data)));
  }
  return device
    .transferOut(endpoint & 0x0f, source(data))
    .then((result) => completion(id, result.status, EMPTY, result.bytesWritten));
}

async function isochronous(
  device: USBDevice,
  request: Extract<UsbRequestMessage, { kind: 'isochronous' }>,
): Promise<Completion> {
  const number = request.endpoint & 0x0f;
  const lengths = [...request.packetLengths];
  if (request.endpoint & 0x80) {
    const result = await device.isochronousTransferIn(number, lengths);
    const packets = result.packets.map((p) => ({ status: p.status, actualLength: p.data?.byteLength ?? 0 }));
    const data = new Uint8Array(packets.reduce((sum, p) => sum + p.actualLength, 0));
    let at = 0;
    for (const packet of result.packets) {
      data.set(bytes(packet.data), at);
      at += packet.data?.byteLength ?? 0;
    }
    return { kind: 'iso-completion', requestId: request.requestId, status: 'ok', packets, data };
  }
  const result = await device.isochronousTransferOut(number, source(request.data), lengths);
  const packets = result.packets.map((p) => ({ status: p.status, actualLength: p.bytesWritten }));
  return { kind: 'iso-completion', requestId: request.requestId, status: 'ok', packets, data: EMPTY };
}
