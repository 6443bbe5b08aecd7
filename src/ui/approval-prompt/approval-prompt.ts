import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { PERMISSION_SUMMARIES, type PeerStatus, type Permission } from '../../transport/index.ts';
import { GrantEvent, RevokeEvent } from '../events.ts';
import { renderPermissionSelect } from '../lib/permission-select.ts';
import { approvalPromptStyles } from './approval-prompt.styles.ts';

/**
 * One receiver that proved the secret and waits: its name, the words its own screen shows (the same
 * words mean it is the receiver you meant), what to allow it, and Approve / Deny.
 */
export class FerryApprovalPrompt extends LitElement {
  static override styles = approvalPromptStyles;

  @property({ attribute: false }) peer: PeerStatus | undefined;
  /** What the select starts at: the share page's choice for new receivers. */
  @property({ attribute: false }) permission: Permission = 'full';
  @state() private chosen: Permission | undefined;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('peer') && changed.get('peer')?.peerId !== this.peer?.peerId) this.chosen = undefined;
  }

  override render(): TemplateResult | typeof nothing {
    const peer = this.peer;
    if (!peer) return nothing;
    const permission = this.chosen ?? this.permission;
    return html`<div class="prompt" role="group" aria-label="A receiver asks to connect" data-testid="approval-prompt">
      <p><strong data-testid="approval-name">${peer.name || 'Unnamed'}</strong> wants to receive your devices.</p>
      <p>
        Check words: <strong class="words" data-testid="approval-verification">${peer.verification ?? '…'}</strong>
        <span class="muted">— approve only if the receiver shows the same words.</span>
      </p>
      <div class="choice">
        <label>Allow ${renderPermissionSelect({
          value: permission,
          testId: 'approval-permission',
          label: `What ${peer.name || 'this receiver'} may do`,
          onChange: (chosen) => {
            this.chosen = chosen;
          },
        })}</label>
        <span class="muted summary">${PERMISSION_SUMMARIES[permission]}</span>
      </div>
      <div class="choice">
        <button class="primary" data-testid="approve-button" @click=${() => this.dispatchEvent(new GrantEvent(peer.peerId, permission))}>
          Approve
        </button>
        <button data-testid="deny-button" @click=${() => this.dispatchEvent(new RevokeEvent(peer.peerId))}>Deny</button>
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ferry-approval-prompt': FerryApprovalPrompt;
  }
}
