/**
 * f_loopback's data path: each OUT transfer's bytes come back on the next IN transfer. Like the gadget
 * (qlen 32 requests), at most `capacity` transfers are held; past that OUT waits, as a device NAKs.
 * An IN transfer waits for data, as a bulk IN endpoint NAKs until it has some.
 */
import { type FunctionResult, TransferAborted } from '../usb-function.ts';

interface Waiter<T> {
  readonly resolve: (result: FunctionResult) => void;
  readonly reject: (error: TransferAborted) => void;
  readonly value: T;
}

export class LoopbackBuffers {
  private readonly held: Uint8Array[] = [];
  private readonly readers: Waiter<number>[] = [];
  private readonly writers: Waiter<Uint8Array>[] = [];

  constructor(private readonly capacity = 32) {}

  get size(): number {
    return this.held.length;
  }

  read(length: number): Promise<FunctionResult> {
    const chunk = this.held.shift();
    if (chunk !== undefined) {
      this.admitWriter();
      return Promise.resolve(deliver(chunk, length));
    }
    return new Promise((resolve, reject) => this.readers.push({ resolve, reject, value: length }));
  }

  write(data: Uint8Array): Promise<FunctionResult> {
    const copy = data.slice();
    const reader = this.readers.shift();
    if (reader !== undefined) {
      reader.resolve(deliver(copy, reader.value));
      return Promise.resolve({ status: 'ok', bytesWritten: copy.length });
    }
    if (this.held.length < this.capacity) {
      this.held.push(copy);
      return Promise.resolve({ status: 'ok', bytesWritten: copy.length });
    }
    return new Promise((resolve, reject) => this.writers.push({ resolve, reject, value: copy }));
  }

  /** Ends every waiting transfer; held data stays (it is in the device's buffers). */
  abort(reason: TransferAborted['reason']): void {
    for (const waiter of [...this.readers.splice(0), ...this.writers.splice(0)]) {
      waiter.reject(new TransferAborted(reason));
    }
  }

  clear(): void {
    this.held.length = 0;
  }

  private admitWriter(): void {
    const writer = this.writers.shift();
    if (writer === undefined) return;
    this.held.push(writer.value);
    writer.resolve({ status: 'ok', bytesWritten: writer.value.length });
  }
}

/** More data than the host asked for is babble: the host gets what fits and the status says so. */
function deliver(chunk: Uint8Array, length: number): FunctionResult {
  if (chunk.length <= length) return { status: 'ok', data: chunk };
  return { status: 'babble', data: chunk.subarray(0, length) };
}
