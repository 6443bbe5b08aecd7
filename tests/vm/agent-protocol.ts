/**
 * The host side of the guest command agent (tests/vm/guest/agent.sh) on a virtio-serial port.
 * Line-based and resumable: QEMU's chardev socket splits the byte stream wherever it likes.
 * Script and outputs travel as base64 so no byte of a command's output can be mistaken for framing.
 */

export const READY_LINE = '@@FERRY-READY';

export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

export function encodeRequest(id: number, timeoutSeconds: number, script: string): string {
  return `${id} ${Math.max(1, Math.ceil(timeoutSeconds))} ${Buffer.from(script).toString('base64')}\n`;
}

export class AgentProtocolError extends Error {
  override readonly name = 'AgentProtocolError';
}

type Section = 'idle' | 'out' | 'err';

/** Feeds raw bytes from the port; calls back once when the agent is ready and once per reply. */
export class AgentReplyParser {
  private pending = '';
  private section: Section = 'idle';
  private out: string[] = [];
  private err: string[] = [];

  constructor(
    private readonly onReady: () => void,
    private readonly onReply: (id: number, result: CommandResult) => void,
  ) {}

  push(chunk: string): void {
    this.pending += chunk;
    let newline = this.pending.indexOf('\n');
    while (newline >= 0) {
      this.handleLine(this.pending.slice(0, newline).replace(/\r$/, ''));
      this.pending = this.pending.slice(newline + 1);
      newline = this.pending.indexOf('\n');
    }
  }

  private handleLine(line: string): void {
    const marker = /^@@FERRY-(OUT|ERR|END) (\d+)(?: (\d+))?$/.exec(line);
    const [, kind, id, code] = marker ?? [];
    if (line === READY_LINE) this.onReady();
    else if (!marker) this.appendPayload(line);
    else if (kind === 'OUT') this.startReply();
    else if (kind === 'ERR') this.section = 'err';
    else this.finishReply(Number(id), Number(code));
  }

  private startReply(): void {
    this.section = 'out';
    this.out = [];
    this.err = [];
  }

  private appendPayload(line: string): void {
    if (this.section === 'out') this.out.push(line);
    else if (this.section === 'err') this.err.push(line);
    else if (line.trim() !== '')
      throw new AgentProtocolError(`unexpected line from the guest agent: ${line}`);
  }

  private finishReply(id: number, exitCode: number): void {
    const decode = (lines: string[]): string => Buffer.from(lines.join(''), 'base64').toString('utf8');
    this.section = 'idle';
    this.onReply(id, { stdout: decode(this.out), stderr: decode(this.err), exitCode });
  }
}
