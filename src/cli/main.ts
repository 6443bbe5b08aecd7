/**
 * The `ferry` command: assembles the commands, each in its own file (receive.ts, share.ts, list.ts, serve.ts),
 * with the behaviour they all share: one-line `ferry: …` errors and usage errors exiting 2.
 */
import { Command } from 'commander';
// Inlined by the CLI bundle (npm run build:cli), read as is by tsx: the version is package.json's either way.
import packageJson from '../../package.json' with { type: 'json' };
import { EXIT_CODES } from '../receiver/receive.ts';
import { listCommand } from './list.ts';
import { RECEIVE_EXAMPLES, RECEIVE_EXIT_HELP, receiveCommand } from './receive.ts';
import { serveCommand } from './serve.ts';
import { shareCommand } from './share.ts';

const { version } = packageJson;

const SHARE_EXAMPLE = `  ferry list                                             the HID and USB devices this machine can share
  ferry share 046d:c52b '<receiver link>'                share one of them, no browser needed
  ferry share --replay pad.hid '<receiver link>'         share a recorded device`;

const OTHER_EXIT_CODES = `  (those of ferry receive; ferry share --help lists its own)
`;

const program = new Command('ferry')
  .description('Ferry: use a USB or HID device from another computer')
  .version(version, '-V, --version', 'print the version')
  .addHelpText('after', `${RECEIVE_EXAMPLES}\n${SHARE_EXAMPLE}\n${RECEIVE_EXIT_HELP}${OTHER_EXIT_CODES}`)
  // Commander's own errors (unknown option, bad value) are usage errors; --help and --version exit 0.
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : EXIT_CODES.usage))
  .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'ferry: ')) });

// Each command takes the program's exit and output behaviour, as `program.command()` would give it.
for (const command of [receiveCommand(), shareCommand(), listCommand(), serveCommand()])
  program.addCommand(command.copyInheritedSettings(program));

await program.parseAsync();
