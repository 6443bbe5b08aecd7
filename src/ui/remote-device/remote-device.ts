import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { HidDescriptorModel } from '../../hid/index.ts';
import type { RemoteDevice } from '../../transport/index.ts';
import { hexId } from '../lib/hex.ts';
import { modelOf } from '../lib/hid-model.ts';
import { remoteDeviceStyles } from './remote-device.styles.ts';

/** One shared device on the receiver's side: what it is, its live input, and requests to it. */
export class FerryRemoteDevice extends LitElement {
  static override styles = remoteDeviceStyles;

  @property({ attribute: false }) device: RemoteDevice | undefined;
  private model: HidDescriptorModel | undefined;

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Layouts are compiled once per device, not per render.
    if (changed.has('device')) this.model = this.device ? modelOf(this.device.announcement) : undefined;
  }

  override render(): TemplateResult | typeof nothing {
    const device = this.device;
    if (!device) return nothing;
    const { productName, vendorId, productId, collections } = device.announcement;
    return html`<article class="card">
      <header>
        <h2 data-testid="device-name">${productName || 'Unnamed device'}</h2>
        <p class="muted mono" data-testid="device-ids">
          vendor ${hexId(vendorId)} · product ${hexId(productId)}
        </p>
      </header>
      ${this.model ? nothing : html`<p class="error">Ferry could not read this device's report layout; raw bytes only.</p>`}
      <ferry-input-reports .device=${device} .model=${this.model}></ferry-input-reports>
      <ferry-input-plots .device=${device} .model=${this.model}></ferry-input-plots>
      <div class="requests">
        <ferry-output-form .device=${device} .model=${this.model}></ferry-output-form>
        <ferry-feature-form .device=${device} .model=${this.model}></ferry-feature-form>
      </div>
      <details>
        <summary>Collections and reports</summary>
        <ferry-collection-tree .collections=${collections} .model=${this.model}></ferry-collection-tree>
      </details>
    </article>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ferry-remote-device': FerryRemoteDevice;
  }
}
