/** A TCP client for tests that reads exact byte counts, wherever the server's writes were split. */
import { connect, type Socket } from 'node:net';

export class TestSocket {
  private buffered = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private ended = false;
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.waiter?.();
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.ended = true;
        this.waiter?.();
        resolve();
      }),
    );
    socket.on('error', () => {});
  }

  static open(port: number, host = '127.0.0.1'): Promise<TestSocket> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host, () => resolve(new TestSocket(socket)));
      socket.once('error', reject);
    });
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  async read(count: number, timeoutMs = 2000): Promise<Uint8Array> {
    const deadline = Date.now() + timeoutMs;
    while (this.buffered.length < count) {
      if (this.ended) throw new Error(`connection closed with ${this.buffered.length}/${count} bytes`);
      if (Date.now() > deadline) throw new Error(`timed out with ${this.buffered.length}/${count} bytes`);
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 50);
      });
    }
    const out = Uint8Array.from(this.buffered.subarray(0, count));
    this.buffered = this.buffered.subarray(count);
    return out;
  }

  /** How many unread bytes have arrived after waiting `ms`. */
  async pendingBytes(ms: number): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.buffered.length;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
