import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { type LinkPath, PERMISSION_LABELS, PERMISSION_SUMMARIES } from '../../transport/index.ts';
import {
  KEEP_OPTIONS,
  type ReceivePhase,
  ReceiverController,
  type ReceiveTarget,
} from '../controllers/receiver-controller.ts';
import type { NameChangeEvent } from '../events.ts';
import { loadName } from '../lib/environment.ts';
import { formatPath, formatQuality } from '../lib/format.ts';
import type { Route } from '../lib/routes.ts';
import { receiveViewStyles } from './receive-view.styles.ts';

export type ReceiveRoute = Extract<Route, { view: 'receive' }>;

/** Receive what a sharer shares: the connection, then one panel per device. */
export class FerryReceiveView extends LitElement {
  static override styles = receiveViewStyles;

  @property({ attribute: false }) route: ReceiveRoute | undefined;
  @state() private name = loadName();
  private readonly receiver = new ReceiverController(this);

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('route') && this.route) this.receiver.join(targetOf(this.route), this.name);
  }

  override render(): TemplateResult {
    const { phase, devices, usbDevices } = this.receiver;
    return html`
      <section class="card" aria-labelledby="receive-heading">
        <h2 id="receive-heading">Receive a device</h2>
        <p class="state ${phase}" role="status" data-testid="receive-state" data-phase=${phase}>
          <span class="dot" aria-hidden="true"></span>${this.stateText(phase)}
        </p>
        ${this.renderServerState()}
        ${(phase === 'approval' || phase === 'connected') && this.receiver.verification ? this.renderVerification(this.receiver.verification) : nothing}
        ${phase === 'connected' ? this.renderPermission() : nothing}
        ${phase === 'connected' && this.receiver.path ? this.renderConnection(this.receiver.path) : nothing}
        ${
          phase === 'connected' && this.receiver.message
            ? html`<p class="error" data-testid="receive-problem">${this.receiver.message}</p>`
            : nothing
        }
        ${phase === 'failed' ? this.renderRetry() : nothing}
        ${phase === 'ended' || phase === 'no-sharer' ? html`<p><a href="/">Back to the start page</a></p>` : nothing}
        <ferry-name-field .name=${this.name} @ferry-name-change=${this.onNameChange}></ferry-name-field>
      </section>
      ${this.renderDevices()}
      ${this.renderUsbDevices()}
      ${
        phase === 'connected' && devices.length === 0 && usbDevices.length === 0
          ? html`<p class="muted waiting">Connected. Waiting for the sharer to pick a device…</p>`
          : nothing
      }
    `;
  }

  /** One panel per HID device, keyed so that a device kept through an outage keeps its element. */
  private renderDevices(): TemplateResult {
    const now = Date.now();
    return html`${repeat(
      this.receiver.devices,
      (tile) => tile.id,
      (tile) =>
        html`<ferry-remote-device .device=${tile} .keptFor=${tile.keptForSeconds(now)}
          .graceSeconds=${KEEP_OPTIONS.graceMs / 1000}></ferry-remote-device>`,
    )}`;
  }

  /** One panel per USB device, keyed the same way: a device kept through an outage keeps its history. */
  private renderUsbDevices(): TemplateResult {
    const now = Date.now();
    return html`${repeat(
      this.receiver.usbDevices,
      (tile) => tile.id,
      (tile) =>
        html`<ferry-usb-device .device=${tile} .keptFor=${tile.keptForSeconds(now)}
          .graceSeconds=${KEEP_OPTIONS.graceMs / 1000}></ferry-usb-device>`,
    )}`;
  }

  /** The Ferry server going away does not end anything; the page says it is retrying, and how often it went. */
  private renderServerState(): TemplateResult | typeof nothing {
    const { serverDown, serverOutages } = this.receiver;
    if (!serverDown && serverOutages === 0) return nothing;
    const times = serverOutages === 1 ? '1 outage' : `${serverOutages} outages`;
    return html`<p class="muted" data-testid="receive-server" data-state=${serverDown ? 'reconnecting' : 'connected'}>
      ${serverDown ? 'The Ferry server is out of reach: reconnecting…' : 'Back in touch with the Ferry server'} (${times})
    </p>`;
  }

  private stateText(phase: ReceivePhase): string {
    const sharer = this.receiver.sharerName || 'the sharer';
    const { message } = this.receiver;
    switch (phase) {
      case 'connecting':
        return 'Connecting to the Ferry server…';
      case 'waiting':
        return `Connecting to ${sharer}…`;
      case 'approval':
        return `Connected to ${sharer}. Waiting for ${sharer} to approve this receiver…`;
      case 'no-sharer':
        return this.receiver.sharerLeft
          ? `The sharer has left${this.receiver.sharerName ? ` (${this.receiver.sharerName})` : ''}. This page connects again if they come back to this share.`
          : 'Nobody is sharing in this session right now. This page connects as soon as the sharer shares it again.';
      case 'connected':
        return `Connected to ${sharer}`;
      case 'ended':
        return `The share has ended${message ? ` (${message})` : ''}.`;
      default:
        return message ?? 'Something went wrong.';
    }
  }

  /** Direct or relayed and RTT, then what getStats says about loss, and how often the link was remade. */
  private renderConnection(path: LinkPath): TemplateResult {
    const { lostReports, reconnects } = this.receiver;
    const parts = [
      ...(path.quality ? [formatQuality(path.quality)] : []),
      ...(lostReports === undefined ? [] : [`${lostReports} input reports lost (seq)`]),
      `reconnected ${reconnects}×`,
    ];
    const quality = path.quality;
    return html`<p class="muted" data-testid="receive-path" data-path=${path.kind}>Path: ${formatPath(path)}</p>
      <p class="muted" data-testid="receive-quality" data-reconnects=${reconnects}
        data-checks-sent=${quality?.checksSent ?? ''} data-checks-answered=${quality?.checksAnswered ?? ''}
        data-lost=${lostReports ?? ''}>Link: ${parts.join(' · ')}</p>`;
  }

  private renderPermission(): TemplateResult | typeof nothing {
    const permission = this.receiver.permission;
    if (!permission) return nothing;
    return html`<p class="muted" data-testid="receive-permission" data-permission=${permission}>
      Allowed: <strong>${PERMISSION_LABELS[permission]}</strong> — ${PERMISSION_SUMMARIES[permission]}.
    </p>`;
  }

  /** The words the sharer's page shows for this receiver: the same words mean the right two ends met. */
  private renderVerification(words: string): TemplateResult {
    const sharer = this.receiver.sharerName || 'the sharer';
    return html`<p class="verification">
      Check words: <strong data-testid="receive-verification">${words}</strong>
      <span class="muted">— ${sharer}'s page shows the same words for you.</span>
    </p>`;
  }

  private renderRetry(): TemplateResult {
    return html`<p><button @click=${this.rejoin}>Try again</button></p>`;
  }

  private onNameChange(event: NameChangeEvent): void {
    this.name = event.name;
    // The name is sent when joining; before the sharer connects, rejoining under it costs nothing.
    if (this.receiver.phase !== 'connected') this.rejoin();
  }

  private rejoin(): void {
    if (this.route) this.receiver.join(targetOf(this.route), this.name);
  }
}

function targetOf(route: ReceiveRoute): ReceiveTarget {
  return route.by === 'code' ? { code: route.code } : { sessionId: route.sessionId, secret: route.secret };
}

declare global {
  interface HTMLElementTagNameMap {
    'ferry-receive-view': FerryReceiveView;
  }
}
