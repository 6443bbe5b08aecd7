/**
 * `ferry share <selector>… [link-or-code]` and `ferry share --replay FILE [link-or-code]`: a headless
 * sharer. It shares this machine's HID and USB devices (node-hid, usb: src/node-devices, opened by
 * share-devices.ts), or plays a hid-recorder recording as a live HID device, through the same
 * SharerSession the share page uses (src/sharer/share.ts), to a waiting receiver's link or code, or to
 * whoever opens the link it prints.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import type { RecordingSource } from '../devices/recording/index.ts';
import { openRecordingFile, RecordingFileError } from '../node-devices/index.ts';
import { DEFAULT_PIPELINE } from '../pipeline/index.ts';
import { collectIceServer } from '../receiver/ice-flag.ts';
import { pipelineFlag } from '../receiver/pipeline-flag.ts';
import { EXIT_CODES } from '../receiver/receive.ts';
import { replayedDevices, type SharedDevices, share } from '../sharer/index.ts';
import { PERMISSIONS, type Permission, parseJoinTarget } from '../transport/index.ts';
import { fail, terminalLines } from './fail.ts';
import { positiveInt } from './flag-values.ts';
import { ShareArgumentsError, splitShareArguments } from './share-arguments.ts';
import { openSelectedDevices } from './share-devices.ts';

export const SHARE_EXAMPLES = `
Devices (ferry list shows them):
  VID:PID          vendor and product in hex, e.g. 046d:c52b (a HID device if one matches, else USB)
  VID:PID:SERIAL   … the one with this serial
  /dev/hidrawN     a HID device by its path
  usb:BUS-ADDR     a USB device by libusb bus number and address, e.g. usb:1-4
  hid:… / usb:…    prefix a VID:PID to pick the backend (a USB mouse is in both lists)
  Several devices may be named; the last argument is the receiver's link or code when it is one.
  --replay shares a recording instead, and takes no device.

Examples:
  ferry share 046d:c52b 'https://ferry.example/r/<id>#<secret>'          share a HID device to a waiting receiver
  ferry share usb:1-4 1209:0001 482913-amber-falcon                      two devices, by short code
  ferry share /dev/hidraw3 --anyone                                      print a link; let its holders in
  ferry share --replay pad.hid 'https://ferry.example/r/<id>#<secret>'   play to a waiting ferry receive
  ferry share --replay pad.hid 482913-amber-falcon                      … by its short code
  ferry share --replay pad.hid --anyone                                 print a link; let its holders in
  ferry share --replay pad.hid --loop --speed 2 --signal https://ferry.example`;

export const SHARE_EXIT_HELP = `
Exit codes:
  ${EXIT_CODES.ended}  the share ended normally: the recording played to its end, every shared device was
     unplugged, or Ctrl-C here
  ${EXIT_CODES.failed}  pairing failed: server unreachable, unknown session or code, the receiver refused
     this secret, no receiver in time (joining); or a chosen device could not be opened
  ${EXIT_CODES.usage}  the command line is wrong: an unknown option, a malformed link or code, a sharer's
     /s/ link, no device named, a device that matches nothing or several (the error lists them),
     --replay with a device, a recording file that cannot be read or is not a hid-recorder file
`;

/** `--speed`: how much faster than recorded (2 twice as fast, 0.5 half as fast). */
function speedFlag(value: string): number {
  const speed = Number(value);
  if (!Number.isFinite(speed) || speed <= 0) throw new InvalidArgumentError('expected a number above 0');
  return speed;
}

function seconds(us: number): string {
  return (us / 1_000_000).toFixed(1);
}

/** What the share says when it starts playing: how much, how long, how fast. */
function playingLine(source: RecordingSource, flags: ShareFlags): string {
  const { events } = source;
  const span = events.length > 0 ? events[events.length - 1]!.timeUs - events[0]!.timeUs : 0;
  const speed = flags.speed === 1 ? '' : ` at speed ${flags.speed}`;
  const loop = flags.loop ? ', looping' : '';
  return `playing ${events.length} reports of ${source.productName || 'the recording'} (${seconds(span)} s${speed}${loop})`;
}

interface ShareFlags {
  replay?: string;
  loop?: boolean;
  speed: number;
  signal?: string;
  name?: string;
  ice?: RTCIceServer[];
  pipeline?: string;
  anyone?: boolean;
  permission: Permission;
  pairTimeout: number;
}

async function openReplay(file: string, flags: ShareFlags): Promise<RecordingSource> {
  try {
    return await openRecordingFile(file, { speed: flags.speed, loop: flags.loop ?? false });
  } catch (error) {
    if (error instanceof RecordingFileError) fail(EXIT_CODES.usage, error.message);
    throw error;
  }
}

/** A sharer's link already has a sharer: sharing into it is a mix-up, not something to try. */
function isSharersLink(target: string): boolean {
  const parsed = parseJoinTarget(target);
  return parsed.kind === 'link' && parsed.createdBy === 'sharer';
}

function splitArguments(positionals: readonly string[], flags: ShareFlags) {
  try {
    return splitShareArguments(positionals, flags.replay !== undefined);
  } catch (error) {
    if (error instanceof ShareArgumentsError) fail(EXIT_CODES.usage, error.message);
    throw error;
  }
}

/** The recording, or the named devices, opened; and what to say when they start. */
async function openDevices(
  selectors: readonly string[],
  flags: ShareFlags,
): Promise<{ devices: SharedDevices; playing: string | undefined }> {
  if (flags.replay === undefined) {
    if (flags.loop || flags.speed !== 1)
      fail(EXIT_CODES.usage, '--loop and --speed play a recording: use them with --replay');
    return { devices: await openSelectedDevices(selectors, terminalLines.err), playing: undefined };
  }
  const source = await openReplay(flags.replay, flags);
  return { devices: replayedDevices(source), playing: playingLine(source, flags) };
}

export function shareCommand(): Command {
  return new Command('share')
    .description(
      "share this machine's HID or USB devices without a browser, or a hid-recorder recording (--replay)",
    )
    .argument(
      '[devices-and-link...]',
      "the devices to share (see Devices below), then a waiting receiver's link (…/r/…) or short code; no link: create a session",
    )
    .option('--replay <file>', 'share a hid-recorder file (R:, N:, I:, E: lines) played as a live HID device')
    .option('--loop', 'play the recording again and again, until Ctrl-C')
    .option('--speed <factor>', 'play faster (2) or slower (0.5) than recorded', speedFlag, 1)
    .option('--signal <url>', "signaling server (default: the link's server, or http://localhost:8080)")
    .option('--name <name>', 'the name receivers see (default: this host name)')
    .option(
      '--ice <url>',
      "a STUN/TURN server besides the signaling server's: stun:HOST[:PORT] or turn:USER:PASSWORD@HOST[:PORT][?transport=udp|tcp] (repeatable)",
      collectIceServer,
    )
    .option(
      '--pipeline <spec>',
      `transform pipeline (default: ${DEFAULT_PIPELINE}; docs/pipeline.md)`,
      pipelineFlag,
    )
    .option(
      '--anyone',
      'let every receiver with the link or code in without asking (default: ask on the terminal)',
    )
    .addOption(
      new Option('--permission <level>', 'what an approved receiver may do')
        .choices(PERMISSIONS)
        .default('input'),
    )
    .option('--pair-timeout <seconds>', 'joining: give up if no receiver connects in time', positiveInt, 30)
    .addHelpText('after', `${SHARE_EXAMPLES}\n${SHARE_EXIT_HELP}`)
    .action(async (positionals: string[], flags: ShareFlags) => {
      const { selectors, target } = splitArguments(positionals, flags);
      if (target !== undefined && isSharersLink(target))
        fail(
          EXIT_CODES.usage,
          "this is a sharer's link (/s/): receive with it (ferry receive); share to a receiver's /r/ link",
        );
      const { devices, playing } = await openDevices(selectors, flags);
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      const result = await share(
        {
          target,
          signal: flags.signal,
          name: flags.name,
          ice: flags.ice ?? [],
          pipeline: flags.pipeline,
          approval: flags.anyone ? 'anyone' : 'ask',
          permission: flags.permission,
          pairTimeoutMs: flags.pairTimeout * 1000,
          devices,
          playingLine: playing,
          answers: process.stdin,
          ...terminalLines,
        },
        stop.signal,
      );
      // wrtc keeps native handles alive; end explicitly once stdout has drained.
      process.stdout.write('', () => process.exit(result.exitCode));
    });
}
