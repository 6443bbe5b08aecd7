import { readFile } from 'node:fs/promises';
import { parseRecording, RecordingError, RecordingSource } from '../devices/recording/index.ts';
import { isHidDescriptorError } from '../hid/index.ts';
import { systemClock } from './system-clock.ts';

/** Why a recording file cannot be replayed: it cannot be read, or it is no valid hid-recorder file. */
export class RecordingFileError extends Error {
  override readonly name = 'RecordingFileError';
  constructor(
    readonly code: 'unreadable' | 'malformed',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface RecordingFileOptions {
  speed?: number;
  loop?: boolean;
}

/**
 * Reads and parses a hid-recorder file (R:, N:, I:, E: lines) into a RecordingSource on real time.
 * Throws RecordingFileError naming the file, and the line when the fault is on one.
 */
export async function openRecordingFile(
  path: string,
  options: RecordingFileOptions = {},
): Promise<RecordingSource> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new RecordingFileError('unreadable', `cannot read the recording ${path}: ${reason}`, {
      cause: error,
    });
  }
  try {
    return new RecordingSource(parseRecording(text), { clock: systemClock, ...options });
  } catch (error) {
    if (error instanceof RecordingError)
      throw new RecordingFileError('malformed', `${path} is not a hid-recorder recording: ${error.message}`, {
        cause: error,
      });
    if (isHidDescriptorError(error))
      throw new RecordingFileError(
        'malformed',
        `${path}: the R: report descriptor does not parse: ${error.message}`,
        {
          cause: error,
        },
      );
    throw error;
  }
}
