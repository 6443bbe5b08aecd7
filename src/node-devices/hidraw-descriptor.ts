/**
 * The raw report descriptor of a hidraw device. node-hid 3.4 does not bind hidapi's
 * hid_get_report_descriptor, so it is read where hidapi itself reads it on Linux: sysfs,
 * /sys/class/hidraw/hidrawN/device/report_descriptor (world-readable, no open of the device needed).
 */
import { readFile } from 'node:fs/promises';

export class HidrawDescriptorError extends Error {
  override readonly name = 'HidrawDescriptorError';
}

const HIDRAW_PATH = /^\/dev\/(hidraw\d+)$/;

/** Where sysfs keeps the descriptor of `/dev/hidrawN`; undefined for any other path. */
export function sysfsDescriptorPath(path: string, sysfs = '/sys'): string | undefined {
  const match = HIDRAW_PATH.exec(path);
  return match === null ? undefined : `${sysfs}/class/hidraw/${match[1]!}/device/report_descriptor`;
}

/** Throws HidrawDescriptorError when the path is no hidraw node or sysfs will not give the descriptor. */
export async function readHidrawDescriptor(path: string, sysfs = '/sys'): Promise<Uint8Array> {
  const file = sysfsDescriptorPath(path, sysfs);
  if (file === undefined)
    throw new HidrawDescriptorError(
      `cannot read the report descriptor of ${path}: only Linux hidraw devices (/dev/hidrawN) are supported`,
    );
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new HidrawDescriptorError(`cannot read the report descriptor of ${path} (${file}): ${reason}`, {
      cause: error,
    });
  }
}
