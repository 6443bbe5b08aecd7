/**
 * The sharer's end of one generic USB share on one peer link: announces the device and turns each
 * request frame into a completion frame. The session routes frames here; the source does the work.
 */
import {
  encodeUsbAnnounce,
  encodeUsbCompletion,
  type UsbAnnouncement,
  type UsbCompletionMessage,
  type UsbMessage,
  type UsbRequestMessage,
} from '../protocol/index.ts';

/** What the channel needs of a source: WebUsbSource fits. */
export interface UsbRequestHandler {
  readonly announcement: UsbAnnouncement;
  handle(request: UsbRequestMessage): Promise<UsbCompletionMessage>;
}

export class UsbSharerChannel {
  private open = true;

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
    void this.source.handle(copyRequest(message)).then((completion) => this.reply(completion));
  }

  /** The link is gone: completions still arriving are dropped. */
  close(): void {
    this.open = false;
  }

  private reply(completion: UsbCompletionMessage): void {
    if (!this.open) return;
    this.send(encodeUsbCompletion(this.index, completion));
  }
}

/** The frame's data is a view into a message the link may reuse; a request outlives it. */
function copyRequest(request: UsbRequestMessage): UsbRequestMessage {
  return 'data' in request && request.data.length > 0 ? { ...request, data: request.data.slice() } : request;
}
