import { html, LitElement, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { NavigateEvent } from '../events.ts';
import { tabStorage, takeRoute } from '../lib/route-secret.ts';
import type { Route } from '../lib/routes.ts';
import { appStyles } from './app.styles.ts';

/** The favicon's ferry, inline so it needs no font with the emoji. */
const logo = html`<svg class="logo" viewBox="0 0 64 64" aria-hidden="true"><rect width="64" height="64" rx="14" fill="currentColor"/><path d="M12 38h40l-6 12H18z" fill="#fff"/><path d="M22 24h20v10H22z" fill="#fff" opacity=".85"/><path d="M30 14h4v10h-4z" fill="#fff"/></svg>`;

const currentRoute = (): Route => takeRoute(location, history, tabStorage());

/** The page: header, then the view the location asks for. Navigation stays in the page (no reload). */
export class FerryApp extends LitElement {
  static override styles = appStyles;

  // Reading the route also takes the secret out of the address bar (lib/route-secret.ts).
  @state() private route: Route = currentRoute();

  private readonly onPopState = () => {
    this.route = currentRoute();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('popstate', this.onPopState);
    this.addEventListener(NavigateEvent.type, this.onNavigate);
  }

  override disconnectedCallback(): void {
    window.removeEventListener('popstate', this.onPopState);
    this.removeEventListener(NavigateEvent.type, this.onNavigate);
    super.disconnectedCallback();
  }

  private readonly onNavigate = (event: NavigateEvent) => {
    history.pushState(null, '', event.href);
    this.route = currentRoute();
  };

  override render(): TemplateResult {
    return html`
      <header>
        <a class="brand" href="/" aria-label="Ferry home">${logo}Ferry</a>
        <p class="tagline">Share a USB HID device from this browser with another browser or computer, peer to peer.</p>
      </header>
      <main>${this.renderRoute(this.route)}</main>
    `;
  }

  private renderRoute(route: Route): TemplateResult {
    switch (route.view) {
      case 'share':
        return html`<ferry-share-view></ferry-share-view>`;
      case 'share-to-receiver':
        return html`<ferry-share-view .receiver=${route}></ferry-share-view>`;
      case 'receive':
        return html`<ferry-receive-view .route=${route}></ferry-receive-view>`;
      default:
        return html`<section class="card" role="alert">
          <h2>Nothing to open here</h2>
          <p>${route.message}</p>
          <p><a href="/">Go to the start page</a></p>
        </section>`;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ferry-app': FerryApp;
  }
}
