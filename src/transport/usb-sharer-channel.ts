/**
 * The sharer's end of one generic USB share on one peer link: announces the device and turns each
 * request frame into a completion frame. The session routes frames here; the source does the work.
 */
import {
  encodeUsbAnnounce,
  encodeUsbCompletion,
  type UsbAnnouncement,
  type UsbCompletionMessage,
  UsbEncodeBuffer,
  type UsbMessage,
  type UsbRequestMessage,
} from '../protocol/index.ts';

/** What the channel needs of a source: WebUsbSource fits. */
export interface UsbRequestHandler {
  readonly announcement: UsbAnnouncement;
  /**
   * `request.data` is borrowed: a view into a message the link reuses once `handle` returns. A handler
   * that needs the bytes later copies them before returning (WebUSB's transferOut and controlTransferOut
   * copy their BufferSource when called, so WebUsbSource needs no copy of its own).
   */
  handle(request: UsbRequestMessage): Promise<UsbCompletionMessage>;
}

export class UsbSharerChannel {
  private open = true;
  /** This peer's requests the source is still working on, so that closing can cancel them. */
  private readonly inFlight = new Set<number>();
  /** Completions are encoded here: `send` borrows the frame, so none needs a buffer of its own. */
  private readonly encoded = new UsbEncodeBuffer();

  constructor(
    readonly index: number,
    private readonly source: UsbRequestHandler,
    private readonly send: (frame: Uint8Array) => void,
  ) {}

  /** The USB_ANNOUNCE frame to send once the peer is authenticated. */
  announceFrame(): Uint8Array {
    return encodeUsbAnnounce(this.index, this.source.announcement);
  }

  /** A decoded USB message from the receiver. Announcements and completions are not for this side. */
  receive(message: UsbMessage): void {
    if (message.kind === 'announce' || message.kind === 'completion' || message.kind === 'iso-completion')
      return;
    if (!this.open) return;
    if (message.kind !== 'cancel') this.inFlight.add(message.requestId);
    // Borrowed data, no copy: the source reads it before handle returns (see UsbRequestHandler).
    void this.source.handle(message).then((completion) => this.reply(completion));
  }

  /**
   * The link is gone, or the device goes to another receiver: completions still arriving are dropped
   * and this peer's waiting requests are cancelled. Resolves once the device is free for another host:
   * WebUSB cannot abort one transfer, and a bulk IN left waiting would swallow the next host's data, so
   * when anything was left in flight the device is reset (as if replugged), which aborts it all.
   */
  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    const left = [...this.inFlight];
    this.inFlight.clear();
    for (const target of left) void this.source.handle({ kind: 'cancel', requestId: 0, target });
    if (left.length > 0) await this.source.handle({ kind: 'reset', requestId: 0 });
  }

  private reply(completion: UsbCompletionMessage): void {
    this.inFlight.delete(completion.requestId);
    if (!this.open) return;
    this.send(encodeUsbCompletion(this.index, completion, this.encoded));
  }
}
