/** `ferry list`: the HID and USB devices this machine can share, for people or (`--json`) scripts. */
import { Command } from 'commander';
import { EXIT_CODES } from '../receiver/receive.ts';
import { listDevices } from './devices.ts';
import { terminalLines } from './fail.ts';
import { deviceListJson, formatDeviceList } from './list-format.ts';

const LIST_HELP = `
Each line: the backend (hid: node-hid, hidraw on Linux; usb: libusb), vendor:product in hex, the name,
the serial, the path and the HID usages or the USB class. The path (/dev/hidrawN, usb:BUS-ADDR) and
VID:PID are what ferry share takes: ferry share 046d:c52b, ferry share usb:1-4.

Exit codes:
  ${EXIT_CODES.ended}  listed (or there are no devices)
  ${EXIT_CODES.failed}  node-hid or usb could not be loaded (the devices of the other are still listed)
  ${EXIT_CODES.usage}  the command line is wrong
`;

export function listCommand(): Command {
  return new Command('list')
    .description('list the HID and USB devices this machine can share')
    .option('--json', 'print a JSON array of the devices instead of lines')
    .addHelpText('after', LIST_HELP)
    .action(async (flags: { json?: boolean }) => {
      const { devices, problems } = await listDevices();
      for (const problem of problems) terminalLines.err(`ferry: ${problem}`);
      if (flags.json) terminalLines.out(deviceListJson(devices));
      else for (const line of formatDeviceList(devices)) terminalLines.out(line);
      const exitCode = problems.length > 0 ? EXIT_CODES.failed : EXIT_CODES.ended;
      // libusb keeps a handle on the event loop; end once stdout has drained.
      process.stdout.write('', () => process.exit(exitCode));
    });
}
