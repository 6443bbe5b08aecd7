/**
 * `ferry receive --allow / --deny` as a real process: a bad selector is a usage error; with real sharers
 * (Node sessions, and the web app's demo device in Chromium) an allowed device streams while a refused
 * one is named on stderr, never reaches the log sink nor the USB/IP server (Debian's `usbip list -r`),
 * and the sharer shows why.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { WebHidSource } from '../../src/devices/index.ts';
import { SimulatedUsbDevice, WebUsbSource } from '../../src/devices/usb/index.ts';
import { SharerSession } from '../../src/transport/index.ts';
import { useAppAndBrowser } from '../support/app-fixture.ts';
import { approveReceiver } from '../support/approval.ts';
import { collectPageErrors, freshContext } from '../support/browser.ts';
import { type FerryProcess, startFerryReceive } from '../support/ferry-process.ts';
import { connectSignaling, nodeLinks, simulatedCorpusDevice } from '../support/node-peers.ts';

const USBIP = '/usr/sbin/usbip';
const SECRET = 'P'.repeat(22);
const execFileAsync = promisify(execFile);
const app = useAppAndBrowser();

function ferry(args: string[]): FerryProcess {
  const process = startFerryReceive(args);
  app.defer(() => process.child.kill('SIGKILL'));
  return process;
}

/** A Node sharer with the corpus SpaceNavigator (046d:c626, a 3D mouse) and Cherry keyboard (046a:0011). */
async function shareMouseAndKeyboard(options: { gadgetZero?: boolean } = {}) {
  const sharer = new SharerSession({
    signaling: await connectSignaling(app.origin),
    links: nodeLinks,
    iceServers: [],
    name: 'desk',
    auth: { link: SECRET },
    approval: 'anyone',
  });
  app.defer(() => sharer.close());
  const mouse = simulatedCorpusDevice('3dconnexion-spacenavigator-usb').device;
  const keyboard = simulatedCorpusDevice('cherry-keyboard-usb').device;
  for (const device of [mouse, keyboard]) {
    await device.open();
    sharer.addDevice(await WebHidSource.open(device as unknown as HIDDevice, new EventTarget() as HID));
  }
  if (options.gadgetZero) {
    const source = await WebUsbSource.open(new SimulatedUsbDevice());
    app.defer(() => source.close());
    sharer.addUsbDevice(source);
  }
  const { sessionId } = await sharer.host();
  return { sharer, mouse, keyboard, link: `${app.origin}/s/${sessionId}#${SECRET}` };
}

async function stderrMatch(process: FerryProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  await expect.poll(() => process.stderr.some((line) => pattern.test(line)), { timeout: 20_000 }).toBe(true);
  return process.stderr
    .map((line) => line.match(pattern))
    .find((match) => match !== null) as RegExpMatchArray;
}

async function usbipList(port: string): Promise<string> {
  if (!existsSync(USBIP)) throw new Error(`${USBIP} is missing: apt-get install usbip`);
  return (await execFileAsync(USBIP, ['--tcp-port', port, 'list', '-r', '127.0.0.1'])).stdout;
}

const events = (process: FerryProcess) => process.stdout.filter((line) => line.startsWith('E: '));

describe('ferry receive --allow / --deny', () => {
  it('refuses a bad selector before connecting, saying what is wrong', async () => {
    const process = ferry(['7-amber-falcon', '--allow', '046d:zz']);
    expect(await process.exited).not.toBe(0);
    expect(process.stderr.join('\n')).toMatch(
      /option '--allow <selector>' argument '046d:zz' is invalid\. product id 'zz' in '046d:zz' is not hexadecimal/,
    );
    const unknown = ferry(['--deny', 'serial:1:2']);
    expect(await unknown.exited).not.toBe(0);
    expect(unknown.stderr.join('\n')).toMatch(/unknown selector kind 'serial'.*usage:PAGE:USAGE/);
  });

  it.each([
    { flags: ['--allow', '046d:c626'], rule: 'not allowed by --allow 046d:c626' },
    { flags: ['--allow', 'usage:01:08', '--deny', 'usage:01:06'], rule: 'denied by --deny usage:01:06' },
  ])('$flags: the 3D mouse streams to log and USB/IP, the keyboard is refused', async ({ flags, rule }) => {
    const { sharer, mouse, keyboard, link } = await shareMouseAndKeyboard();
    const process = ferry([link, ...flags, '--sink', 'log', '--sink', 'usbip', '--usbip-port', '0']);
    const refusal = new RegExp(`^ferry: refused Cherry keyboard \\(046a:0011\\).*: ${rule}$`);
    await stderrMatch(process, refusal);
    const [, port] = await stderrMatch(process, /usbip: exported 1-1 on 127\.0\.0\.1:(\d+)/);
    expect(process.stderr.filter((line) => line.startsWith('ferry: refused'))).toHaveLength(1);

    for (let i = 0; i < 5; i++) keyboard.emitInput(0, Uint8Array.of(0, 0, 4 + i, 0, 0, 0, 0, 0));
    mouse.emitInput(1, Uint8Array.of(10, 0, 0, 0, 0, 0));
    await expect
      .poll(() => events(process), { timeout: 15_000 })
      .toEqual([expect.stringMatching(/^E: \d+\.\d+ 7 01 0a 00 00 00 00 00$/)]);
    expect(process.stdout).toContain('I: 3 046d c626');
    expect(process.stdout.join('\n')).not.toMatch(/046a|Cherry/i);

    const listed = await usbipList(port!);
    expect(listed).toMatch(/1-1: .*\(046d:c626\)/);
    expect(listed).not.toMatch(/046a|1-2/);
    expect(sharer.status().peers[0]?.refused).toEqual([
      { device: 1, productName: keyboard.productName, reason: rule },
    ]);
  });

  it('refuses a generic USB device by class: USB/IP and usbredir present only the HID devices', async () => {
    const { sharer, mouse, link } = await shareMouseAndKeyboard({ gadgetZero: true });
    const process = ferry([
      link,
      '--deny',
      'class:ff',
      '--sink',
      'usbip',
      '--usbip-port',
      '0',
      '--sink',
      'usbredir',
      '--usbredir-port',
      '0',
    ]);
    await stderrMatch(process, /^ferry: refused Gadget Zero \(0525:a4a0\): denied by --deny class:ff$/);
    const [, port] = await stderrMatch(process, /usbip: exported 1-2 on 127\.0\.0\.1:(\d+)/);
    const listed = await usbipList(port!);
    expect(listed).toMatch(/\(046d:c626\)/);
    expect(listed).toMatch(/\(046a:0011\)/);
    expect(listed).not.toMatch(/0525:a4a0/);
    expect(sharer.status().usbDevices).toEqual([{ device: 2, holder: undefined }]);
    // usbredir offers a port per device it presents: the two HID devices, not Gadget Zero.
    const usbredirLines = () => process.stderr.filter((line) => line.startsWith('ferry: usbredir: '));
    await expect.poll(() => usbredirLines().length, { timeout: 20_000 }).toBe(2);
    expect(usbredirLines().some((line) => line.includes(mouse.productName))).toBe(true);
    expect(usbredirLines().some((line) => line.startsWith('ferry: usbredir: Cherry keyboard'))).toBe(true);
    expect(usbredirLines().join('\n')).not.toMatch(/Gadget Zero/);
  });

  it("the web app's sharer shows the refusal of its demo device", async () => {
    const process = ferry(['--signal', app.origin, '--name', 'gamepad-rig', '--allow', 'usage:01:05']);
    const link = await process.waitForLine((line) => line.includes('/r/'));
    const context = await freshContext(app.browser);
    app.defer(() => context.close());
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(link);
    await page.getByTestId('demo-button').click();
    await approveReceiver(page, { name: 'gamepad-rig' });
    await expect
      .poll(() => page.getByTestId('status-refused').textContent(), { timeout: 20_000 })
      .toBe('refused SpaceNavigator (Ferry demo): not allowed by --allow usage:01:05');
    await stderrMatch(
      process,
      /^ferry: refused SpaceNavigator \(Ferry demo\) \(046d:c626\): not allowed by --allow usage:01:05$/,
    );
    await page.getByTestId('demo-axis-0').fill('100');
    await expect.poll(() => page.getByTestId('status-reports').textContent()).not.toBe('0');
    expect(process.stdout.filter((line) => line !== link)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
