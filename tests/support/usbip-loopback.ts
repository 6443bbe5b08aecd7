/**
 * Drives a Gadget Zero exported over USB/IP the way a host's driver would: import the bus id, select
 * the loopback configuration, then queue every bulk IN before the OUTs, so that many URBs are in flight
 * at once and complete in any order. Returns what came back on bulk IN, in submission order.
 */
import { GADGET_ZERO } from '../../src/devices/usb/index.ts';
import { RetSubmit, URB_HEADER_SIZE } from '../../src/receiver/sinks/usbip/layouts.ts';
import { TestSocket } from '../unit/sinks/usb-test-socket.ts';
import { importDevice, submitRequest } from '../unit/sinks/usbip-test-client.ts';

const READ_TIMEOUT_MS = 15_000;

export interface LoopbackResult {
  /** Bulk IN data per chunk, in the order the chunks were written. */
  readonly echoed: Uint8Array[];
  /** URB status of every RET_SUBMIT (0 = ok), by seqnum. */
  readonly statuses: Map<number, number>;
}

export async function usbipLoopback(port: number, busId: string, chunks: readonly Uint8Array[]) {
  const socket = await TestSocket.open(port);
  try {
    const { op } = await importDevice(socket, busId);
    if (op.status !== 0) throw new Error(`import of ${busId} refused (status ${op.status})`);
    const setConfiguration = { bmRequestType: 0, bRequest: 9, wIndex: 0, wLength: 0 };
    const wValue = GADGET_ZERO.loopbackConfiguration;
    socket.write(
      submitRequest({
        seqnum: 1,
        direction: 0,
        ep: 0,
        transferBufferLength: 0,
        setup: { ...setConfiguration, wValue },
      }),
    );
    const configured = await readReply(socket, new Set());
    if (configured.status !== 0) throw new Error(`SET_CONFIGURATION failed: ${configured.status}`);
    return await transferAll(socket, chunks);
  } finally {
    socket.destroy();
  }
}

async function transferAll(socket: TestSocket, chunks: readonly Uint8Array[]): Promise<LoopbackResult> {
  const inSeqnums = chunks.map((_, i) => 100 + i);
  chunks.forEach((chunk, i) => {
    const seqnum = inSeqnums[i]!;
    socket.write(submitRequest({ seqnum, direction: 1, ep: 1, transferBufferLength: chunk.length }));
  });
  chunks.forEach((chunk, i) => {
    const seqnum = 1000 + i;
    socket.write(
      submitRequest({ seqnum, direction: 0, ep: 1, transferBufferLength: chunk.length, data: chunk }),
    );
  });
  const ins = new Set(inSeqnums);
  const data = new Map<number, Uint8Array>();
  const statuses = new Map<number, number>();
  for (let i = 0; i < chunks.length * 2; i++) {
    const reply = await readReply(socket, ins);
    statuses.set(reply.seqnum, reply.status);
    if (ins.has(reply.seqnum)) data.set(reply.seqnum, reply.data);
  }
  return { echoed: inSeqnums.map((seqnum) => data.get(seqnum) ?? new Uint8Array(0)), statuses };
}

/** One RET_SUBMIT; only IN URBs carry data (OUT replies report actual_length without it). */
async function readReply(socket: TestSocket, ins: ReadonlySet<number>) {
  const header = RetSubmit.decode(await socket.read(URB_HEADER_SIZE, READ_TIMEOUT_MS));
  const carriesData = ins.has(header.seqnum) && header.actualLength > 0;
  const data = carriesData ? await socket.read(header.actualLength, READ_TIMEOUT_MS) : new Uint8Array(0);
  return { seqnum: header.seqnum, status: header.status, data };
}
