/**
 * `ferry list` and `ferry share <selector>` through the real CLI process on this machine, which has no
 * HID or USB device (the shares of real devices are proven in the QEMU guest, tests/vm/): the
 * no-devices line and `[]`, a selector that names nothing is a usage error naming it, the grammar is in
 * --help, and only these commands load the native addons (node-hid, usb): `ferry share --replay` and
 * `ferry receive` never do.
 */
import { describe, expect, it } from 'vitest';
import { NO_DEVICES_LINE } from '../../src/cli/list-format.ts';
import { EXIT_CODES } from '../../src/receiver/receive.ts';
import { cleanupAfterEach, killedAfter } from '../support/cleanups.ts';
import { type FerryProcess, startCommand, startFerry } from '../support/ferry-process.ts';

const defer = cleanupAfterEach();
const ferry = (args: string[]): FerryProcess => killedAfter(defer, startFerry(args));

const BIN = 'src/cli/bin.js';
const WATCH_NATIVE = './tests/support/native-load-register.mjs';
/** `ferry <args>` with a resolve hook that says on stderr when node-hid or usb is loaded. */
const watched = (args: string[], unloadable?: 'node-hid' | 'usb'): FerryProcess =>
  killedAfter(
    defer,
    startCommand(process.execPath, ['--import', WATCH_NATIVE, BIN, ...args], {
      env: unloadable === undefined ? {} : { FERRY_TEST_UNLOADABLE: unloadable },
    }),
  );
const errors = (process: FerryProcess) => process.stderr.filter((line) => !line.startsWith('native addon'));

const LINK = `http://localhost:8080/r/${'A'.repeat(22)}#${'B'.repeat(22)}`;

describe('ferry list, on a machine with no HID or USB device', () => {
  it('prints the no-devices line and exits 0', async () => {
    const list = ferry(['list']);
    expect(await list.exited).toBe(EXIT_CODES.ended);
    expect(list.stdout).toEqual([NO_DEVICES_LINE]);
    expect(list.stderr).toEqual([]);
  });

  it('--json prints an empty JSON array', async () => {
    const list = ferry(['list', '--json']);
    expect(await list.exited).toBe(EXIT_CODES.ended);
    expect(JSON.parse(list.stdout.join('\n'))).toEqual([]);
  });
});

describe('ferry share <selector>', () => {
  it('a device that is not there is a usage error naming it', async () => {
    const share = ferry(['share', '1209:0001', LINK]);
    expect(await share.exited).toBe(EXIT_CODES.usage);
    expect(share.stderr).toEqual([
      'ferry: no device matches 1209:0001: no HID or USB devices are connected (or none this user may open)',
    ]);
  });

  it('a malformed selector, no device, or --replay with a device: one line, exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['share', 'mouse', LINK], /^ferry: "mouse" is not a device: expected VID:PID/],
      [['share'], /^ferry: name a device to share, .*--replay FILE$/],
      [['share', LINK], /^ferry: name a device to share/],
      [['share', '--replay', 'pad.hid', '046d:c52b'], /^ferry: --replay shares a recording, not devices/],
      [
        ['share', '046d:c52b', '--loop'],
        /^ferry: --loop and --speed play a recording: use them with --replay$/,
      ],
    ];
    for (const [args, message] of cases) {
      const share = ferry(args);
      expect(await share.exited, args.join(' ')).toBe(EXIT_CODES.usage);
      expect(share.stderr).toHaveLength(1);
      expect(share.stderr[0]).toMatch(message);
    }
  });

  it('--help gives the selector grammar', async () => {
    const help = ferry(['share', '--help']);
    expect(await help.exited).toBe(0);
    const text = help.stdout.join('\n');
    for (const form of ['VID:PID', 'VID:PID:SERIAL', '/dev/hidrawN', 'usb:BUS-ADDR', 'hid:… / usb:…'])
      expect(text).toContain(form);
    expect(text).toMatch(/ferry share 046d:c52b/);
  });
});

describe('the native addons', () => {
  it('load for ferry list and ferry share <selector>, and never for --replay or receive', async () => {
    const list = watched(['list']);
    expect(await list.exited).toBe(0);
    expect(list.stderr).toEqual(['native addon loaded: node-hid', 'native addon loaded: usb']);

    const share = watched(['share', '1209:0001']);
    expect(await share.exited).toBe(EXIT_CODES.usage);
    expect(share.stderr).toContain('native addon loaded: node-hid');

    const replay = watched(['share', '--replay', '/nonexistent/pad.hid']);
    expect(await replay.exited).toBe(EXIT_CODES.usage);
    expect(replay.stderr).toEqual(['ferry: cannot read the recording /nonexistent/pad.hid: ENOENT']);

    const receive = watched(['receive', '7-amber-flacon']);
    expect(await receive.exited).toBe(EXIT_CODES.usage);
    expect(receive.stderr.filter((line) => line.startsWith('native addon'))).toEqual([]);
  });
});

describe('a native addon that cannot be loaded', () => {
  it('is named: ferry list says which and exits 1, still listing the other backend', async () => {
    const list = watched(['list', '--json'], 'node-hid');
    expect(await list.exited).toBe(EXIT_CODES.failed);
    expect(errors(list)).toEqual([
      expect.stringMatching(
        /^ferry: cannot load node-hid, which reads HID devices: Cannot find package 'node-hid'/,
      ),
    ]);
    expect(JSON.parse(list.stdout.join('\n'))).toEqual([]);
  });

  it('ferry share refuses a bare VID:PID without node-hid, and names usb when a USB device is missing', async () => {
    const bare = watched(['share', '1209:0001', LINK], 'node-hid');
    expect(await bare.exited).toBe(EXIT_CODES.usage);
    expect(errors(bare)).toEqual([
      expect.stringMatching(
        /^ferry: cannot load node-hid, .*; to share 1209:0001 as a generic USB device, write usb:1209:0001$/,
      ),
    ]);
    const usb = watched(['share', 'usb:1-2', LINK], 'usb');
    expect(await usb.exited).toBe(EXIT_CODES.usage);
    expect(errors(usb)).toEqual([
      expect.stringMatching(
        /^ferry: no device matches usb:1-2: .*; cannot load usb, which reads USB devices: /,
      ),
    ]);
  });
});
