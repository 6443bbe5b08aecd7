/** A uhid event that does not follow include/uapi/linux/uhid.h (bad size, type, or field value). */
export class UhidProtocolError extends Error {
  override readonly name = 'UhidProtocolError';
  readonly code = 'uhid-protocol';
}

/** /dev/uhid cannot be used; the message says what to do about it. */
export class UhidUnavailableError extends Error {
  override readonly name = 'UhidUnavailableError';
  readonly code = 'uhid-unavailable';
}

/** The kernel created the device but no HID driver started it (UHID_START never came). */
export class UhidStartTimeoutError extends Error {
  override readonly name = 'UhidStartTimeoutError';
  readonly code = 'uhid-start-timeout';
}
