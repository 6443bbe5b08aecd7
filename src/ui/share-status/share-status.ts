import { html, LitElement, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type {
  LinkPath,
  PeerStatus,
  Permission,
  SharerStatus,
  SignalingStatus,
} from '../../transport/index.ts';
import { GrantEvent, RevokeEvent } from '../events.ts';
import { formatBytesPerSecond, formatPath, formatQuality } from '../lib/format.ts';
import { renderPermissionSelect } from '../lib/permission-select.ts';
import { shareStatusStyles } from './share-status.styles.ts';
import { WireRates } from './wire-rates.ts';

const STATE_LABELS: Readonly<Record<PeerStatus['state'], string>> = {
  connecting: 'connecting…',
  verifying: 'checking the secret…',
  waiting: 'waiting for your approval',
  open: 'connected',
  closed: 'disconnected',
};

/**
 * Live numbers of a share: who is connected (and what each approved receiver may do, with Revoke), how
 * much flows, the last thing that went wrong.
 */
export class FerryShareStatus extends LitElement {
  static override styles = shareStatusStyles;

  @property({ attribute: false }) status: SharerStatus | undefined;
  private readonly wireRates = new WireRates();

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('status')) this.wireRates.update(this.status?.peers ?? []);
  }

  override render(): TemplateResult {
    const status = this.status;
    return html`
      <h3>Status</h3>
      <dl>
        <div>
          <dt>Receivers</dt>
          <dd data-testid="status-peers">${this.renderPeers(status?.peers ?? [])}</dd>
        </div>
        <div>
          <dt>Rate</dt>
          <dd data-testid="status-rate">
            ${status?.reportsPerSecond ?? 0} reports/s · ${formatBytesPerSecond(status?.bytesPerSecond ?? 0)}
          </dd>
        </div>
        <div>
          <dt>Reports sent</dt>
          <dd data-testid="status-reports">${(status?.reportsSent ?? 0).toLocaleString()}</dd>
        </div>
        <div>
          <dt>Dropped at sender</dt>
          <dd data-testid="status-dropped">${(status?.droppedAtSender ?? 0).toLocaleString()}</dd>
        </div>
        <div>
          <dt>Signaling</dt>
          <dd data-testid="status-signaling" data-state=${status?.signaling.state ?? 'connected'}>
            ${renderSignaling(status?.signaling)}
          </dd>
        </div>
        <div>
          <dt>Last error</dt>
          <dd data-testid="last-error" class=${status?.lastError ? 'error' : 'muted'}>${status?.lastError ?? 'none'}</dd>
        </div>
      </dl>
    `;
  }

  private renderPeers(peers: PeerStatus[]): TemplateResult | string {
    if (peers.length === 0) return 'nobody yet — waiting for the other side';
    return html`<ul>
      ${peers.map(
        (peer) => html`<li data-testid="status-peer" data-state=${peer.state}>
          <span class="dot ${peer.state}" aria-hidden="true"></span>${peer.name || 'Unnamed'}
          <span class="muted" data-testid="status-peer-state">${peerStateLabel(peer)}</span>
          ${peer.pipeline === undefined ? '' : html`<code class="muted" data-testid="status-pipeline">${peer.pipeline || 'no pipeline'}</code>`}
          ${peer.path === undefined || peer.state === 'closed' ? '' : this.renderLink(peer, peer.path)}
          ${peer.verification === undefined ? '' : this.renderVerification(peer.verification)}
          ${peer.refused.map(
            (entry) =>
              html`<p class="refused" data-testid="status-refused">refused ${entry.productName}: ${entry.reason}</p>`,
          )}
          ${peer.permission === undefined ? '' : this.renderAccess(peer, peer.permission)}
        </li>`,
      )}
    </ul>`;
  }

  /**
   * The path and RTT, the bytes per second on the wire to this receiver, and what getStats says of loss.
   * (How old reports are when they reach it only the receiver knows: its page plots that.)
   */
  private renderLink(peer: PeerStatus, path: LinkPath): TemplateResult {
    const rate = this.wireRates.perSecond(peer.peerId);
    return html`<p class="muted path" data-testid="status-path" data-path=${path.kind}>${formatPath(path)}</p>
      ${
        path.quality === undefined
          ? ''
          : html`<p class="muted path" data-testid="status-link" data-wire-rate=${rate ?? ''}>
            ${rate === undefined ? '' : `${formatBytesPerSecond(rate)} on the wire · `}${formatQuality(path.quality)}
          </p>`
      }`;
  }

  /** What an approved receiver may do, changeable live, and a way to cut it off at once. */
  private renderAccess(peer: PeerStatus, permission: Permission): TemplateResult {
    const name = peer.name || 'this receiver';
    return html`<div class="row access">
      ${renderPermissionSelect({
        value: permission,
        testId: 'peer-permission',
        label: `What ${name} may do`,
        onChange: (chosen) => this.dispatchEvent(new GrantEvent(peer.peerId, chosen)),
      })}
      <button data-testid="revoke-button" aria-label=${`Revoke ${name}`}
        @click=${() => this.dispatchEvent(new RevokeEvent(peer.peerId))}>Revoke</button>
    </div>`;
  }

  /** The words this receiver's screen shows too: the same words mean the receiver is the one you meant. */
  private renderVerification(words: string): TemplateResult {
    return html`<div class="verification" title="The receiver shows the same words">
      Check words: <strong data-testid="status-verification">${words}</strong>
    </div>`;
  }
}

/** What a receiver's line says; a link being made again says for how long, and how often it dropped. */
function peerStateLabel(peer: PeerStatus): string {
  const label =
    peer.downSince === undefined
      ? STATE_LABELS[peer.state]
      : `reconnecting (${secondsSince(peer.downSince)} s)`;
  const outages = peer.outages ?? 0;
  return outages > 0 ? `${label} · ${countOutages(outages)}` : label;
}

function secondsSince(since: number): number {
  return Math.max(0, Math.round((Date.now() - since) / 1000));
}

function countOutages(outages: number): string {
  return outages === 1 ? '1 outage' : `${outages} outages`;
}

/** "connected", or "reconnecting (12 s)" while the server is out of reach; and how often it was. */
function renderSignaling(signaling: SignalingStatus | undefined): string {
  if (signaling === undefined) return 'connected';
  const suffix = signaling.outages > 0 ? ` · ${countOutages(signaling.outages)}` : '';
  if (signaling.state === 'reconnecting') {
    return `reconnecting (${secondsSince(signaling.downSince ?? Date.now())} s)${suffix}`;
  }
  return `${signaling.state === 'closed' ? 'closed' : 'connected'}${suffix}`;
}

declare global {
  interface HTMLElementTagNameMap {
    'ferry-share-status': FerryShareStatus;
  }
}
