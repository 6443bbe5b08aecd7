import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { AXIS_LIMIT, type Axes, type DemoSpaceNavigator } from '../../devices/index.ts';
import { demoControlsStyles } from './demo-controls.styles.ts';

const AXIS_NAMES = ['X', 'Y', 'Z', 'Rx', 'Ry', 'Rz'] as const;
const BUTTONS = [0, 1] as const;

/**
 * The demo SpaceNavigator's cap and buttons on screen. Sliders spring back to 0 when the pointer lets go,
 * like the real cap; from the keyboard they hold their value (arrow keys would fight a spring).
 */
export class FerryDemoControls extends LitElement {
  static override styles = demoControlsStyles;

  @property({ attribute: false }) device: DemoSpaceNavigator | undefined;
  @state() private axes: Axes = [0, 0, 0, 0, 0, 0];
  @state() private pressed: [boolean, boolean] = [false, false];

  private readonly onOutput = () => this.requestUpdate();

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('device')) return;
    changed.get('device')?.removeEventListener('output', this.onOutput);
    this.device?.addEventListener('output', this.onOutput);
  }

  override disconnectedCallback(): void {
    this.device?.removeEventListener('output', this.onOutput);
    super.disconnectedCallback();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.device?.addEventListener('output', this.onOutput);
  }

  override render(): TemplateResult | typeof nothing {
    if (!this.device) return nothing;
    const led = this.device.led;
    return html`
      <h3>Demo SpaceNavigator</h3>
      <p class="muted">Move the sliders and press the buttons: the other side sees them as the device's input reports.</p>
      <div class="axes">${AXIS_NAMES.map((name, index) => this.renderAxis(name, index))}</div>
      <div class="row">
        ${BUTTONS.map((index) => this.renderButton(index))}
        <span class="led-wrap">
          <span class="led ${led ? 'on' : ''}" data-testid="demo-led" data-state=${led ? 'on' : 'off'} role="img"
            aria-label=${`LED ${led ? 'on' : 'off'}`}></span>
          LED <span class="muted">(output report 4)</span>
        </span>
      </div>
    `;
  }

  private renderAxis(name: string, index: number): TemplateResult {
    const value = this.axes[index] ?? 0;
    return html`<label class="axis">
      <span class="axis-name">${name}</span>
      <input type="range" min=${-AXIS_LIMIT} max=${AXIS_LIMIT} step="1" .value=${String(value)}
        data-testid=${`demo-axis-${index}`} aria-label=${`${name} axis`}
        @input=${(event: Event) => this.setAxis(index, Number((event.target as HTMLInputElement).value))}
        @pointerup=${() => this.setAxis(index, 0)} @pointercancel=${() => this.setAxis(index, 0)} />
      <output class="mono">${value}</output>
    </label>`;
  }

  private renderButton(index: 0 | 1): TemplateResult {
    const press = (pressed: boolean) => () => this.setButton(index, pressed);
    return html`<button data-testid=${`demo-button-${index}`} aria-pressed=${this.pressed[index] ? 'true' : 'false'}
      @pointerdown=${press(true)} @pointerup=${press(false)} @pointerleave=${press(false)}
      @keydown=${(event: KeyboardEvent) => isPressKey(event) && !event.repeat && press(true)()}
      @keyup=${(event: KeyboardEvent) => isPressKey(event) && press(false)()}>
      Button ${index + 1}
    </button>`;
  }

  private setAxis(index: number, value: number): void {
    if (this.axes[index] === value) return;
    const axes = [...this.axes] as Axes;
    axes[index] = value;
    this.axes = axes;
    this.device?.setAxes(axes);
  }

  private setButton(index: 0 | 1, pressed: boolean): void {
    if (this.pressed[index] === pressed) return;
    const next: [boolean, boolean] = [...this.pressed];
    next[index] = pressed;
    this.pressed = next;
    this.device?.setButton(index, pressed);
  }
}

function isPressKey(event: KeyboardEvent): boolean {
  return event.key === ' ' || event.key === 'Enter';
}

declare global {
  interface HTMLElementTagNameMap {
    'ferry-demo-controls': FerryDemoControls;
  }
}
