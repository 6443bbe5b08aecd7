import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import QRCode from 'qrcode';
import type { ShareInvite } from '../controllers/sharer-controller.ts';
import { isLocalOnlyLink } from '../lib/environment.ts';
import { shareInviteStyles } from './share-invite.styles.ts';

/** How the other side joins: the link (copy it), a QR code of it (scan it), or the short code (type it). */
export class FerryShareInvite extends LitElement {
  static override styles = shareInviteStyles;

  @property({ attribute: false }) invite: ShareInvite | undefined;
  @state() private copied = false;
  @state() private qrError: string | undefined;
  @query('canvas') private canvas!: HTMLCanvasElement;

  override render(): TemplateResult | typeof nothing {
    if (!this.invite) return nothing;
    const { link, code, codeBurned } = this.invite;
    return html`
      <div class="invite">
        <div class="text">
          <h3>Open this link on the other side</h3>
          <div class="row link-row">
            <input readonly class="mono link" data-testid="share-link" .value=${link} aria-label="Share link"
              @focus=${selectAll} />
            <button data-testid="copy-link" @click=${this.copy}>${this.copied ? 'Copied ✓' : 'Copy'}</button>
          </div>
          ${isLocalOnlyLink(link) ? renderLocalOnlyWarning() : nothing}
          ${codeBurned ? renderBurnedCode(code) : renderCode(code)}
        </div>
        <figure>
          <canvas data-testid="share-qr" role="img" aria-label="QR code of the share link"></canvas>
          <figcaption class="muted">${this.qrError ?? 'Scan with a phone camera'}</figcaption>
        </figure>
      </div>
    `;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('invite') || !this.invite) return;
    void this.drawQr(this.invite.link);
    // The invite appears below the buttons; on a phone that is off screen, and it is what comes next.
    if (changed.get('invite') === undefined) this.scrollIntoView({ block: 'start' });
  }

  private async drawQr(link: string): Promise<void> {
    try {
      await QRCode.toCanvas(this.canvas, link, { width: 176, margin: 2, errorCorrectionLevel: 'M' });
      this.qrError = undefined;
    } catch (error) {
      this.qrError = `No QR code: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  private async copy(): Promise<void> {
    if (!this.invite) return;
    try {
      await navigator.clipboard.writeText(this.invite.link);
      this.copied = true;
      setTimeout(() => (this.copied = false), 2000);
    } catch {
      // No clipboard permission (or not a secure context): select the text so a manual copy is one key away.
      this.renderRoot.querySelector<HTMLInputElement>('input.link')?.select();
    }
  }
}

/** A localhost link works on this computer only: a phone that scans it opens its own localhost. */
function renderLocalOnlyWarning(): TemplateResult {
  return html`<p class="warning" role="note" data-testid="local-link-warning">
    This link says <strong>localhost</strong>, so it opens only on this computer — a phone or another
    machine cannot use it. To receive elsewhere, serve Ferry at an address they can reach:
    <code>ferry serve --public-url https://your.host</code> (see docs/deploy.md).
  </p>`;
}

function renderCode(code: string): TemplateResult {
  return html`<p class="code-line">
    or type the code <strong class="mono code" data-testid="share-code">${code}</strong>
    <span class="muted">in Ferry or <code>ferry receive ${code}</code></span>
  </p>`;
}

/** After a failed attempt the code is dead (one guess per code, as magic-wormhole does): say so. */
function renderBurnedCode(code: string): TemplateResult {
  return html`<p class="code-line error" role="alert" data-testid="code-burned">
    The code <s class="mono" data-testid="share-code">${code}</s> no longer works: someone tried it with the
    wrong words (a typo, or a guess). Send the link or the QR code instead.
  </p>`;
}

function selectAll(event: FocusEvent): void {
  (event.target as HTMLInputElement).select();
}

declare global {
  interface HTMLElementTagNameMap {
    'ferry-share-invite': FerryShareInvite;
  }
}
