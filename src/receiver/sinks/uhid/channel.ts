/**
 * One open file description of /dev/uhid, driven by Node's event loop.
 *
 * Why a pipe handle: /dev/uhid supports O_NONBLOCK + poll, but Node has no public API that polls a
 * character device. `fs.createReadStream` does blocking reads on the libuv thread pool — one of its
 * 4 threads parked per device, and a read that cannot be cancelled on close. `new net.Socket({ fd })`
 * refuses the fd ("Unsupported fd type: FILE": libuv classifies character devices as files). libuv's
 * uv_pipe_open() does accept any pollable fd, and a net.Socket over that handle reads and writes via
 * epoll on the loop thread, so we wrap the fd in a Pipe handle from the `pipe_wrap` binding
 * (process.binding is deprecated, DEP0111, but documentation-only unless --pending-deprecation).
 * Do not try this on a fd that does not implement poll (e.g. /dev/zero): epoll refuses it and libuv
 * aborts. Verified against a real kernel by tests/vm/uhid.vm.test.ts.
 *
 * Each read(2) of /dev/uhid returns exactly one struct uhid_event and each write(2) takes one; the
 * splitter still reassembles events across chunks so nothing depends on how the stream delivers them.
 */
import { constants, open } from 'node:fs';
import { Socket } from 'node:net';
import { promisify } from 'node:util';
import { UhidUnavailableError } from './errors.ts';
import { UHID_EVENT_SIZE } from './layout.ts';

/** What a uhid device session needs from the kernel side; a fake implements it in unit tests. */
export interface UhidChannel {
  /** Writes one encoded event (the kernel accepts it whole or fails the write). */
  write(event: Uint8Array): void;
  /** Each call gets one whole struct uhid_event (UHID_EVENT_SIZE bytes), valid only during the call. */
  onEvent(listener: (event: Uint8Array) => void): void;
  onError(listener: (error: Error) => void): void;
  close(): void;
}

export type OpenUhidChannel = (path: string) => Promise<UhidChannel>;

interface PipeHandle {
  open(fd: number): number;
}
interface PipeWrapBinding {
  Pipe: new (type: number) => PipeHandle;
  constants: { SOCKET: number };
}

function pipeWrap(): PipeWrapBinding {
  const withBinding = process as unknown as { binding(name: string): PipeWrapBinding };
  return withBinding.binding('pipe_wrap');
}

function explainOpenError(path: string, error: NodeJS.ErrnoException): UhidUnavailableError {
  const hint =
    error.code === 'ENOENT'
      ? `the uhid kernel module is not loaded: run "modprobe uhid" (or add uhid to /etc/modules-load.d/)`
      : error.code === 'EACCES' || error.code === 'EPERM'
        ? `this user may not open it: add a udev rule such as ` +
          `KERNEL=="uhid", MODE="0660", GROUP="ferry" (then "udevadm trigger"), and run the receiver in that group`
        : `unexpected error ${error.code ?? ''}`;
  return new UhidUnavailableError(`cannot open ${path} read-write: ${hint}`, { cause: error });
}

/** Splits a byte stream into whole events; resumable at any byte boundary. */
export class UhidEventSplitter {
  private readonly pending = new Uint8Array(UHID_EVENT_SIZE);
  private filled = 0;

  constructor(private readonly onEvent: (event: Uint8Array) => void) {}

  push(chunk: Uint8Array): void {
    let offset = 0;
    if (this.filled === 0) {
      // Fast path: the kernel hands out whole events; deliver them without copying.
      while (chunk.length - offset >= UHID_EVENT_SIZE) {
        this.onEvent(chunk.subarray(offset, offset + UHID_EVENT_SIZE));
        offset += UHID_EVENT_SIZE;
      }
    }
    while (offset < chunk.length) {
      const take = Math.min(UHID_EVENT_SIZE - this.filled, chunk.length - offset);
      this.pending.set(chunk.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === UHID_EVENT_SIZE) {
        this.filled = 0;
        this.onEvent(this.pending);
      }
    }
  }
}

class SocketUhidChannel implements UhidChannel {
  private readonly socket: Socket;

  constructor(fd: number) {
    const { Pipe, constants: pipeConstants } = pipeWrap();
    const handle = new Pipe(pipeConstants.SOCKET);
    const status = handle.open(fd);
    if (status !== 0) throw new UhidUnavailableError(`libuv cannot poll the uhid fd (status ${status})`);
    const options = { handle, readable: true, writable: true };
    this.socket = new Socket(options as ConstructorParameters<typeof Socket>[0]);
  }

  write(event: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(event);
  }

  onEvent(listener: (event: Uint8Array) => void): void {
    const splitter = new UhidEventSplitter(listener);
    this.socket.on('data', (chunk: Buffer) => splitter.push(chunk));
  }

  onError(listener: (error: Error) => void): void {
    this.socket.on('error', listener);
  }

  /**
   * Flushes queued writes (e.g. UHID_DESTROY), then closes the fd; the kernel destroys the device.
   * Not socket.end(): that calls shutdown(2), which a character device answers with ENOTSOCK.
   */
  close(): void {
    if (this.socket.writableLength === 0) this.socket.destroy();
    else this.socket.once('drain', () => this.socket.destroy());
  }
}

const openAsync = promisify(open);

export const openUhidChannel: OpenUhidChannel = async (path) => {
  let fd: number;
  try {
    // libuv adds O_CLOEXEC to every open(2) itself; uv_pipe_open() would set O_NONBLOCK anyway.
    fd = await openAsync(path, constants.O_RDWR | constants.O_NONBLOCK);
  } catch (error) {
    throw explainOpenError(path, error as NodeJS.ErrnoException);
  }
  return new SocketUhidChannel(fd);
};
