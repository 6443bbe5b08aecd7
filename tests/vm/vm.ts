/**
 * A running test VM: QEMU under TCG with the harness's kernel and initramfs, and a command agent.
 * QEMU is always killed — on stop(), on a boot failure, and when the Node process exits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { AgentReplyParser, type CommandResult, encodeRequest } from './agent-protocol.ts';
import { defaultLog, ensureVmAssets, type VmAssets } from './assets.ts';
import { defaultGuestPaths, writeBootInitrd } from './guest-paths.ts';
import type { Log } from './host-tools.ts';
import { qemuArgs } from './qemu-args.ts';

export interface StartVmOptions {
  readonly extraQemuArgs?: readonly string[];
  readonly memoryMb?: number;
  readonly cpus?: number;
  /** Add an xHCI controller with id `xhci` (for `-device usb-redir,bus=xhci.0,...`). */
  readonly usb?: boolean;
  readonly bootTimeoutMs?: number;
  readonly assets?: VmAssets;
  readonly log?: Log;
  /** Host directories the guest must see at their own paths (default: the repository and ../shared). */
  readonly guestPaths?: readonly string[];
}

export interface RunOptions {
  /** Guest-side limit (the command is SIGKILLed); the host waits a little longer. Default 60 s. */
  readonly timeoutMs?: number;
}

export class VmError extends Error {
  override readonly name = 'VmError';
}

const TAIL_LINES = 40;
/**
 * How long a guest may take to boot. Software emulation boots in about 25 s on a quiet machine; a CI run
 * at a load average of 15 (two cores) once took longer than 60 s.
 */
const BOOT_TIMEOUT_MS = 180_000;

interface PendingCommand {
  resolve(result: CommandResult): void;
  reject(error: Error): void;
}

export class Vm {
  private socket: Socket | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, PendingCommand>();
  private queue: Promise<unknown> = Promise.resolve();
  private qemuOutput = '';
  private exited: Error | undefined;
  private readyWaiter: PendingCommand | undefined;
  /** Milliseconds from spawning QEMU to the agent's ready line. */
  bootMs = 0;

  private constructor(
    private readonly qemu: ChildProcess,
    private readonly workDir: string,
    private readonly consoleLog: string,
  ) {
    const append = (chunk: Buffer): void => {
      this.qemuOutput = (this.qemuOutput + chunk.toString()).slice(-16_384);
    };
    qemu.stdout?.on('data', append);
    qemu.stderr?.on('data', append);
    qemu.on('exit', (code, signal) => this.onQemuExit(code, signal));
  }

  static async start(options: StartVmOptions = {}): Promise<Vm> {
    const log = options.log ?? defaultLog;
    const assets = options.assets ?? (await ensureVmAssets(log));
    const workDir = await mkdtemp(`${tmpdir()}/ferry-vm-`);
    const initrd = `${workDir}/initrd.cpio.gz`;
    await writeBootInitrd(assets.initramfs, options.guestPaths ?? defaultGuestPaths, initrd);
    const layout = {
      assets,
      initrd,
      agentSocket: `${workDir}/agent.sock`,
      consoleLog: `${workDir}/console.log`,
      memoryMb: options.memoryMb ?? 512,
      cpus: options.cpus ?? 1,
      usb: options.usb ?? false,
      extraQemuArgs: options.extraQemuArgs ?? [],
    };
    const started = Date.now();
    const qemu = spawn('qemu-system-x86_64', qemuArgs(layout), { stdio: ['ignore', 'pipe', 'pipe'] });
    const vm = new Vm(qemu, workDir, layout.consoleLog);
    killOnProcessExit(qemu);
    try {
      await vm.connectAgent(layout.agentSocket, options.bootTimeoutMs ?? BOOT_TIMEOUT_MS);
    } catch (error) {
      await vm.stop();
      throw error;
    }
    vm.bootMs = Date.now() - started;
    log(`guest ready in ${vm.bootMs} ms`);
    return vm;
  }

  /** Runs a /bin/sh script in the guest (host root chroot, cwd /). Commands run one at a time. */
  run(script: string, options: RunOptions = {}): Promise<CommandResult> {
    const result = this.queue.then(() => this.runNow(script, options.timeoutMs ?? 60_000));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Like run(), but a non-zero exit status is an error carrying the command's stderr. */
  async runOk(script: string, options: RunOptions = {}): Promise<string> {
    const result = await this.run(script, options);
    if (result.exitCode !== 0) {
      throw new VmError(
        `guest command failed (exit ${result.exitCode}): ${script}\n${result.stderr}${result.stdout}`,
      );
    }
    return result.stdout;
  }

  /** The last lines of the guest console and of QEMU's own output, for error messages. */
  logTail(lines = TAIL_LINES): string {
    const consoleText = existsSync(this.consoleLog) ? readFileSync(this.consoleLog, 'utf8') : '';
    const tail = (text: string): string => text.split('\n').slice(-lines).join('\n');
    return `--- guest console (tail) ---\n${tail(consoleText)}\n--- qemu (tail) ---\n${tail(this.qemuOutput)}`;
  }

  async stop(): Promise<void> {
    this.socket?.destroy();
    if (this.qemu.exitCode === null && this.qemu.signalCode === null) {
      this.qemu.kill('SIGTERM');
      const exited = new Promise<void>((resolve) => this.qemu.once('exit', () => resolve()));
      await withTimeout(exited, 2_000, () => new VmError('QEMU ignored SIGTERM')).catch(() => {
        this.qemu.kill('SIGKILL');
      });
    }
    await rm(this.workDir, { recursive: true, force: true });
  }

  private runNow(script: string, timeoutMs: number): Promise<CommandResult> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<CommandResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new VmError(`guest command timed out after ${timeoutMs} ms: ${script}\n${this.logTail()}`));
      }, timeoutMs + 5_000);
      const settle =
        <T>(fn: (value: T) => void) =>
        (value: T) => {
          clearTimeout(timer);
          this.pending.delete(id);
          fn(value);
        };
      this.pending.set(id, { resolve: settle(resolve), reject: settle(reject) });
      this.socket?.write(encodeRequest(id, timeoutMs / 1000, script));
    });
  }

  private async connectAgent(path: string, bootTimeoutMs: number): Promise<void> {
    const deadline = Date.now() + bootTimeoutMs;
    const ready = new Promise<void>((resolve, reject) => {
      this.readyWaiter = { resolve: () => resolve(), reject };
    });
    this.socket = await this.connectWhenListening(path, deadline);
    const parser = new AgentReplyParser(
      () => this.readyWaiter?.resolve({ stdout: '', stderr: '', exitCode: 0 }),
      (id, result) => this.pending.get(id)?.resolve(result),
    );
    this.socket.setEncoding('utf8');
    this.socket.on('data', (chunk: string) => parser.push(chunk));
    this.socket.on('error', (error) => this.failAll(new VmError(`agent channel error: ${error.message}`)));
    await withTimeout(ready, Math.max(0, deadline - Date.now()), () => {
      return new VmError(`the guest did not come up within ${bootTimeoutMs} ms\n${this.logTail()}`);
    });
  }

  /** QEMU creates the chardev socket a moment after it starts; retry until then. */
  private async connectWhenListening(path: string, deadline: number): Promise<Socket> {
    while (Date.now() < deadline) {
      if (this.exited) throw this.exited;
      const socket = await tryConnect(path);
      if (socket) return socket;
      await delay(20);
    }
    throw new VmError(`QEMU never opened the agent socket ${path}\n${this.logTail()}`);
  }

  private onQemuExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exited = new VmError(`QEMU exited (code ${code}, signal ${signal})\n${this.logTail()}`);
    this.failAll(this.exited);
  }

  private failAll(error: Error): void {
    this.readyWaiter?.reject(error);
    for (const command of this.pending.values()) command.reject(error);
    this.pending.clear();
  }
}

/** Rejects with `onTimeout()` after `ms`; the timer never outlives the promise. */
async function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function tryConnect(path: string): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    if (!existsSync(path)) return resolve(undefined);
    const socket = connect(path);
    socket.once('connect', () => resolve(socket));
    socket.once('error', () => resolve(undefined));
  });
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Last line of defence: a test runner that dies must not leave QEMU eating a CPU. */
function killOnProcessExit(qemu: ChildProcess): void {
  running.add(qemu);
  qemu.once('exit', () => running.delete(qemu));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

export function startVm(options: StartVmOptions = {}): Promise<Vm> {
  return Vm.start(options);
}
