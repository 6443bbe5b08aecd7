import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Flags for Debian's Chromium running as root in a container, with no network beyond loopback:
 * - `--headless=new`: the real browser without a display (the old headless shell is a different binary);
 * - `--no-sandbox`: Chromium refuses to start as root with the sandbox on;
 * - `--disable-gpu`: no GPU in the container;
 * - `--disable-quic`, `--disable-background-networking`, `--disable-component-update`, `--disable-sync`,
 *   `--no-first-run`: no traffic to Google services, no first-run UI;
 * - `--disable-features=WebRtcHideLocalIpsWithMdns`: ICE offers plain host addresses (127.0.0.1 and the
 *   machine's own) instead of `*.local` mDNS names, so peers on one machine pair without mDNS.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
}

/** A context is a fresh, empty profile: no permissions, storage or cache carried between tests. */
export function freshContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext();
}

/**
 * Collects what the page reports as errors: `console.error` messages and uncaught exceptions. Read the
 * array at the end of a test and expect it to be empty.
 */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  return errors;
}
