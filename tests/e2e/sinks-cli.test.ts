/**
 * `ferry receive --sink …` as a real process: sinks that cannot work fail before pairing, several
 * sinks run at once (the log keeps printing next to USB/IP), the hint line says how to attach, and
 * Ctrl-C closes the USB/IP server before the process exits 0.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createFerryServer } from '../../signaling/index.ts';
import { cleanupAfterEach, killedAfter } from '../support/cleanups.ts';
import { type FerryProcess, startFerryReceive } from '../support/ferry-process.ts';
import { corpusSharer } from '../support/node-peers.ts';

const USBIP = '/usr/sbin/usbip';
const SECRET = 'A'.repeat(22);
const execFileAsync = promisify(execFile);
const defer = cleanupAfterEach();

const ferry = (args: string[]): FerryProcess => killedAfter(defer, startFerryReceive(args));

/** A Node sharer with the corpus DualShock 3; resolves to the link a receiver joins. */
async function shareDualShock(): Promise<string> {
  const server = await createFerryServer({ port: 0 });
  defer(() => server.close());
  const { sharer } = await corpusSharer(server.url, { auth: { link: SECRET } });
  defer(() => sharer.close());
  const { sessionId } = await sharer.host();
  return `${server.url}/s/${sessionId}#${SECRET}`;
}

async function hintLine(process: FerryProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  await expect.poll(() => process.stderr.some((line) => pattern.test(line)), { timeout: 20_000 }).toBe(true);
  return process.stderr
    .map((line) => line.match(pattern))
    .find((match) => match !== null) as RegExpMatchArray;
}

describe('ferry receive --sink', () => {
  it('exits non-zero before pairing when /dev/uhid cannot be opened, with the fix', async () => {
    const process = ferry(['7-amber-falcon', '--sink', 'uhid', '--uhid-path', '/nonexistent/uhid']);
    expect(await process.exited).not.toBe(0);
    expect(process.stderr.join('\n')).toMatch(/cannot open \/nonexistent\/uhid read-write: .*modprobe uhid/);
  });

  it('refuses an unknown sink', async () => {
    const process = ferry(['--sink', 'printer']);
    expect(await process.exited).not.toBe(0);
    expect(process.stderr.join('\n')).toMatch(/available sinks: log, uhid, usbip, usbredir/);
  });

  it('runs log and usbip together, lists the device to a real usbip client, and closes on Ctrl-C', async () => {
    if (!existsSync(USBIP)) throw new Error(`${USBIP} is missing: apt-get install usbip`);
    const link = await shareDualShock();
    const process = ferry([link, '--sink', 'log', '--sink', 'usbip', '--usbip-port', '0']);
    await process.waitForLine((line) => line.startsWith('R: '));
    const [, port] = await hintLine(
      process,
      /usbip: exported 1-1 on 127\.0\.0\.1:(\d+) — attach with: usbip --tcp-port \d+ attach -r 127\.0\.0\.1 -b 1-1/,
    );
    const { stdout } = await execFileAsync(USBIP, ['--tcp-port', String(port), 'list', '-r', '127.0.0.1']);
    expect(stdout).toMatch(/1-1: .*\(054c:0268\)/);
    process.child.kill('SIGINT');
    expect(await process.exited).toBe(0);
    const after = await execFileAsync(USBIP, ['--tcp-port', String(port), 'list', '-r', '127.0.0.1']).catch(
      (error: { stderr: string }) => error,
    );
    expect(after.stderr).toMatch(/could not connect|failed/i);
  });
});
