/**
 * Request/response over a child process's IPC channel (structured clone, so typed arrays cross intact).
 * Parent side: `ChildHandle`; child side: `serve(handlers)`. Every request has a timeout: a bench never hangs.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';

interface Request {
  id: number;
  op: string;
  args: unknown;
}
interface Response {
  id: number;
  value?: unknown;
  error?: string;
}

export type Handlers = Record<string, (args: never) => unknown>;

export class ChildHandle {
  private nextId = 1;
  private readonly pending = new Map<number, (response: Response) => void>();

  private constructor(readonly child: ChildProcess) {
    child.on('message', (message: Response) => this.pending.get(message.id)?.(message));
    child.on('exit', (code) => {
      for (const settle of this.pending.values()) settle({ id: 0, error: `child exited (${code})` });
    });
  }

  /** `netns`: run the child inside that network namespace (`ip netns exec`, which then execs node). */
  static start(file: string, execArgv: string[] = [], options: { netns?: string } = {}): ChildHandle {
    const flags = [...process.execArgv, ...execArgv];
    const stdio = ['ignore', 'inherit', 'inherit', 'ipc'] as const;
    const child = options.netns
      ? spawn('ip', ['netns', 'exec', options.netns, process.execPath, ...flags, file], {
          serialization: 'advanced',
          stdio: [...stdio],
        })
      : fork(file, [], { execArgv: flags, serialization: 'advanced', stdio: [...stdio] });
    return new ChildHandle(child);
  }

  request<T>(op: string, args: unknown = {}, timeoutMs = 20_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${op}: no answer from the child within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, (response) => {
        clearTimeout(timer);
        this.pending.delete(id);
        if (response.error !== undefined) reject(new Error(`${op}: ${response.error}`));
        else resolve(response.value as T);
      });
      this.child.send({ id, op, args } satisfies Request);
    });
  }

  /** Asks the child to exit, then kills it if it has not within a second. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((done) => this.child.once('exit', () => done()));
    this.child.send({ id: 0, op: 'exit', args: {} } satisfies Request);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 1000);
    await exited;
    clearTimeout(timer);
  }
}

/** Child side: answers the parent's requests with `handlers`; 'exit' ends the process. */
export function serve(handlers: Handlers): void {
  process.on('message', (message: Request) => {
    if (message.op === 'exit') process.exit(0);
    const handler = handlers[message.op];
    const reply = (response: Response) => process.send?.(response);
    if (!handler) {
      reply({ id: message.id, error: `unknown op ${message.op}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(message.args as never))
      .then(
        (value) => reply({ id: message.id, value }),
        (error: unknown) =>
          reply({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
      );
  });
}
