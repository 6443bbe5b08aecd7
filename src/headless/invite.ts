import qrcode from 'qrcode-terminal';

export interface InviteLines {
  out: (line: string) => void;
  err: (line: string) => void;
}

/**
 * A headless peer that made the session says how to join it: the link goes first on stdout (scripts
 * read it), then on stderr `ferry: <how>, or type the code <code>` and a QR code of the link.
 */
export function announceInvite(invite: { link: string; code: string; how: string }, io: InviteLines): void {
  io.out(invite.link);
  io.err(`ferry: ${invite.how}, or type the code ${invite.code}`);
  qrcode.generate(invite.link, { small: true }, (qr) => io.err(qr));
}
