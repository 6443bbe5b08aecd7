import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { DEFAULT_PIPELINE } from '../../pipeline/index.ts';
import { parseShortCode } from '../../transport/index.ts';
import { SharerController, type ShareTarget } from '../controllers/sharer-controller.ts';
import type { FerryDeviceFilters } from '../device-filters/device-filters.ts';
import type { GrantEvent, NameChangeEvent, RevokeEvent } from '../events.ts';
import { loadName } from '../lib/environment.ts';
import { describeError, sharingUnavailable, usbSharingUnavailable } from '../lib/messages.ts';
import { loadStoredJoin, loadStoredShare } from '../lib/stored-share.ts';
import { renderAccessField } from './access-field.ts';
import { checkPipelineSpec, renderPipelineField } from './pipeline-field.ts';
import { shareViewStyles } from './share-view.styles.ts';

/** The receiver this page was opened for (`/r/<sessionId>#secret`), in "share to a receiver" mode. */
export interface WaitingReceiver {
  sessionId: string;
  secret: string;
}

/**
 * Share a device: a real one through the WebHID chooser, or the demo. Hosts a new session, or joins the
 * session of a receiver who is waiting (opened from their link, or by typing their code).
 */
export class FerryShareView extends LitElement {
  static override styles = shareViewStyles;

  @property({ attribute: false }) receiver: WaitingReceiver | undefined;
  @state() private name = loadName();
  @state() private formError: string | undefined;
  @state() private pipeline = DEFAULT_PIPELINE;
  @query('ferry-device-filters') private filtersElement!: FerryDeviceFilters;
  @query('#receiver-code') private receiverCodeInput: HTMLInputElement | undefined;

  private readonly sharer = new SharerController(
    this,
    () => this.name,
    () => this.pipeline,
  );
  private readonly unavailable = sharingUnavailable(window);
  private readonly usbUnavailable = usbSharingUnavailable(window);

  override connectedCallback(): void {
    super.connectedCallback();
    // Join the waiting receiver's session straight away, so their name is on screen before the pick.
    if (this.receiver) this.joinReceiver(this.receiver);
    else this.resumeStoredShare();
  }

  /** Joins the waiting receiver's session at once; after a reload, with the devices this tab shared. */
  private joinReceiver(receiver: WaitingReceiver): void {
    const target = this.receiverTarget(receiver);
    const stored = loadStoredJoin(receiver.sessionId);
    if (stored === undefined || stored.devices.length === 0) {
      void this.sharer.start(target).catch((error: unknown) => this.showError(error));
      return;
    }
    this.pipeline = stored.pipeline;
    void this.sharer.resumeJoin(target, stored);
  }

  /** A reload of a sharing tab: back to the same session and link, with the same devices. */
  private resumeStoredShare(): void {
    const stored = loadStoredShare();
    if (stored === undefined) return;
    this.pipeline = stored.pipeline;
    void this.sharer.resume(stored);
  }

  override render(): TemplateResult {
    const sharing = this.sharer.phase === 'sharing';
    return html`
      <div class="layout ${this.receiver ? 'single' : ''}">
        <section class="card main" aria-labelledby="share-heading" @ferry-grant=${this.onGrant}
          @ferry-revoke=${this.onRevoke}>
          ${this.renderHeading()}
          ${this.renderApprovals()}
          ${this.renderActions(sharing)}
          ${this.renderError()}
          ${sharing ? this.renderSharing() : nothing}
        </section>
        ${this.receiver ? nothing : html`<aside class="card side"><ferry-code-entry></ferry-code-entry></aside>`}
      </div>
    `;
  }

  private renderHeading(): TemplateResult {
    if (!this.receiver) {
      return html`<h2 id="share-heading">Share a device</h2>
        <p class="muted">Pick a HID device (a 3D mouse, a game pad, a custom board…). You get a link, a QR code and a
          short code for the other side. Nothing is installed; the device stays plugged in here.</p>`;
    }
    const receiverName = this.sharer.waitingReceivers[0];
    const who = receiverName ?? html`<span class="muted">the waiting receiver…</span>`;
    const sharing = this.sharer.phase === 'sharing';
    return html`<h2 id="share-heading" data-testid="receiver-heading">
        ${sharing ? html`Sharing with ${who}` : html`Choose a device to share with ${who}`}
      </h2>
      <p class="muted">They are waiting for your device; it appears on their side as soon as you pick it.</p>`;
  }

  /** Receivers waiting for an answer, first thing on the page: nothing reaches them before it. */
  private renderApprovals(): TemplateResult | typeof nothing {
    const waiting = this.sharer.waiting;
    if (waiting.length === 0) return nothing;
    // Keyed by peer: a prompt keeps the permission picked in it while others come and go.
    return html`${repeat(
      waiting,
      (peer) => peer.peerId,
      (peer) =>
        html`<ferry-approval-prompt .peer=${peer} .permission=${this.sharer.access.permission}></ferry-approval-prompt>`,
    )}`;
  }

  private renderActions(sharing: boolean): TemplateResult {
    const busy = this.sharer.phase === 'starting';
    return html`
      ${this.unavailable ? html`<p class="error" role="alert">${this.unavailable}</p>` : nothing}
      <div class="row actions">
        <button class="primary" data-testid="share-button" ?disabled=${busy || this.unavailable !== undefined} @click=${this.onShareClick}>
          ${sharing ? 'Share another device' : 'Share a device'}
        </button>
        <button data-testid="demo-button" ?disabled=${busy || this.sharer.demo !== undefined} @click=${this.onDemoClick}>
          Try the demo device
        </button>
        ${busy ? html`<span class="muted" role="status">Connecting…</span>` : nothing}
      </div>
      ${this.renderUsbActions(busy)}
      ${sharing || this.receiver ? nothing : this.renderReceiverCode()}
      ${renderAccessField({ access: this.sharer.access, onChange: (access) => this.sharer.setAccess(access) })}
      <ferry-name-field .name=${this.name} @ferry-name-change=${this.onNameChange}></ferry-name-field>
      ${this.renderAdvanced()}
    `;
  }

  /** What most people never change — which devices the chooser lists, the pipeline — folded away. */
  private renderAdvanced(): TemplateResult {
    return html`<details class="advanced" data-testid="advanced">
      <summary>Advanced</summary>
      <ferry-device-filters></ferry-device-filters>
      ${renderPipelineField({
        spec: this.pipeline,
        locked: this.sharer.started,
        onChange: (spec) => {
          this.pipeline = spec;
        },
      })}
    </details>`;
  }

  /** Generic USB (WebUSB): for devices that are not HID; Chrome keeps HID and a few classes for itself. */
  private renderUsbActions(busy: boolean): TemplateResult {
    return html`<div class="row actions">
      <button data-testid="share-usb-button" ?disabled=${busy || this.usbUnavailable !== undefined}
        title=${this.usbUnavailable ?? 'A USB device that is not HID: a board, an adapter, a gadget'}
        @click=${this.onShareUsbClick}>Share a USB device</button>
      <button data-testid="usb-demo-button" ?disabled=${busy || this.sharer.usbDemo !== undefined}
        @click=${this.onUsbDemoClick}>Try the demo USB device</button>
    </div>`;
  }

  private renderReceiverCode(): TemplateResult {
    return html`<label class="receiver-code">
      Share to a waiting receiver's code (optional)
      <input id="receiver-code" data-testid="receiver-code-input" placeholder="482913-amber-falcon" autocomplete="off"
        spellcheck="false" autocapitalize="none" />
    </label>`;
  }

  private renderError(): TemplateResult | typeof nothing {
    const message = this.formError ?? this.sharer.error;
    return message ? html`<p class="error" role="alert" data-testid="share-error">${message}</p>` : nothing;
  }

  private renderSharing(): TemplateResult {
    const { invite, status, demo, sharedDevices } = this.sharer;
    return html`
      <p class="shared" role="status">Sharing <strong>${sharedDevices.join(', ')}</strong>. Keep this page open.</p>
      <div class="row actions">
        <button data-testid="stop-sharing" @click=${() => this.sharer.stopSharing()}>Stop sharing</button>
      </div>
      ${invite ? html`<ferry-share-invite .invite=${invite}></ferry-share-invite>` : nothing}
      <ferry-share-status .status=${status}></ferry-share-status>
      ${demo ? html`<ferry-demo-controls .device=${demo}></ferry-demo-controls>` : nothing}
    `;
  }

  /** Runs straight in the click: the WebHID chooser only opens from a user gesture. */
  private onShareClick(): void {
    const target = this.readTarget();
    const filters = this.readFilters();
    if (!target || !filters) return;
    const hid = navigator.hid;
    hid
      .requestDevice({ filters })
      .then((devices) => {
        const [device] = devices;
        // An empty pick means the person closed the chooser: not an error.
        return device ? this.sharer.shareHidDevice(device, hid, target) : undefined;
      })
      .catch((error: unknown) => this.showError(error));
  }

  /** Runs straight in the click, like the HID chooser. Any device: the filters are for HID only. */
  private onShareUsbClick(): void {
    const target = this.readTarget();
    if (!target) return;
    const usb = navigator.usb;
    usb
      .requestDevice({ filters: [] })
      .then((device) => this.sharer.shareUsbDevice(device, usb, target))
      .catch((error: unknown) => {
        // Closing the chooser rejects with NotFoundError "No device selected.": not an error.
        if ((error as { name?: unknown } | null)?.name !== 'NotFoundError') this.showError(error);
      });
  }

  private onUsbDemoClick(): void {
    const target = this.readTarget();
    if (target) void this.sharer.shareUsbDemo(target);
  }

  private onDemoClick(): void {
    const target = this.readTarget();
    if (target) void this.sharer.shareDemo(target);
  }

  private onGrant(event: GrantEvent): void {
    this.sharer.grant(event.peerId, event.permission);
  }

  private onRevoke(event: RevokeEvent): void {
    this.sharer.revoke(event.peerId);
  }

  private onNameChange(event: NameChangeEvent): void {
    this.name = event.name;
  }

  private readTarget(): ShareTarget | undefined {
    this.formError = undefined;
    if (!this.readPipeline()) return undefined;
    if (this.receiver) return this.receiverTarget(this.receiver);
    const code = this.receiverCodeInput?.value.trim() ?? '';
    if (code === '') return { kind: 'host' };
    try {
      const { nameplate, words } = parseShortCode(code);
      return { kind: 'join', by: { nameplate }, auth: { code: words.join('-') } };
    } catch (error) {
      this.showError(error);
      return undefined;
    }
  }

  /** A spec that does not parse stops the share before the chooser opens, with the parser's reason. */
  private readPipeline(): boolean {
    if (this.sharer.started) return true;
    try {
      this.pipeline = checkPipelineSpec(this.pipeline);
      return true;
    } catch (error) {
      this.showError(error);
      return false;
    }
  }

  private readFilters(): HIDDeviceFilter[] | undefined {
    try {
      return this.filtersElement.filters;
    } catch (error) {
      this.showError(error);
      return undefined;
    }
  }

  private receiverTarget(receiver: WaitingReceiver): ShareTarget & { kind: 'join' } {
    return { kind: 'join', by: { sessionId: receiver.sessionId }, auth: { link: receiver.secret } };
  }

  private showError(error: unknown): void {
    this.formError = describeError(error);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ferry-share-view': FerryShareView;
  }
}
