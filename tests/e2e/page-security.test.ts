/**
 * The page's security in real Chromium against the real server: every response carries the security
 * headers; the built page has no inline script or style; a whole share (demo device → receiver page
 * from the link) runs under the Content-Security-Policy without one violation; and the secret leaves the
 * address bar and the history while Back/Forward and a reload still work (sessionStorage, this tab only).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useAppAndBrowser } from '../support/app-fixture.ts';
import { allowAnyone, approveReceiver } from '../support/approval.ts';
import { collectPageErrors, freshContext } from '../support/browser.ts';

const app = useAppAndBrowser();

/** Every CSP violation the page sees, as "directive blocked-uri", kept on window by an init script. */
declare global {
  interface Window {
    cspViolations: string[];
  }
}
const RECORD_VIOLATIONS = () => {
  window.cspViolations = [];
  window.addEventListener(
    'securitypolicyviolation',
    (event) => window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`),
    true,
  );
};

async function openPage(path: string): Promise<{ page: Page; errors: string[] }> {
  const context = await freshContext(app.browser);
  app.defer(() => context.close());
  const page = await context.newPage();
  await page.addInitScript(RECORD_VIOLATIONS);
  const errors = collectPageErrors(page);
  await page.goto(new URL(path, app.origin).href);
  return { page, errors };
}

const violations = (page: Page) => page.evaluate(() => window.cspViolations);

function directives(csp: string | null): Map<string, string> {
  return new Map(
    (csp ?? '').split(';').map((directive) => {
      const [name = '', ...values] = directive.trim().split(/\s+/);
      return [name, values.join(' ')];
    }),
  );
}

/** `anyone`: receivers need no approval (a test whose receiver reconnects again and again). */
async function shareDemo(anyone = false): Promise<{ sharer: Page; sharerErrors: string[]; link: string }> {
  const { page, errors } = await openPage('/');
  if (anyone) await allowAnyone(page);
  await page.getByTestId('demo-button').click();
  const linkInput = page.getByTestId('share-link');
  await expect.poll(() => linkInput.inputValue(), { timeout: 20_000 }).toMatch(/\/s\/[\w-]{22}#[\w-]{22}$/);
  return { sharer: page, sharerErrors: errors, link: await linkInput.inputValue() };
}

/** The receiver page shows the demo's X axis as the sharer moves it. */
async function expectLiveAxis(sharer: Page, receiver: Page, x: number): Promise<void> {
  await expect
    .poll(() => receiver.getByTestId('receive-state').getAttribute('data-phase'), { timeout: 20_000 })
    .toBe('connected');
  await sharer.getByTestId('demo-axis-0').fill(String(x));
  const low = (x & 0xff).toString(16).padStart(2, '0');
  await expect
    .poll(() => receiver.getByTestId('input-hex-1').textContent(), { timeout: 15_000 })
    .toMatch(new RegExp(`^${low} `));
}

describe('the page: headers', () => {
  it('every response carries the security headers: the app, assets, /config.json, /healthz, errors', async () => {
    const html = await (await fetch(app.origin)).text();
    const script = /<script[^>]*src="([^"]+)"/.exec(html)?.[1];
    const requests: Array<[string, RequestInit?]> = [
      ['/'],
      [`/s/${'a'.repeat(22)}`],
      [script ?? '/missing-script.js'],
      ['/config.json'],
      ['/healthz'],
      ['/no-such-file.js'],
      ['/signal'],
      ['/', { method: 'POST' }],
    ];
    const statuses: number[] = [];
    for (const [path, init] of requests) {
      const response = await fetch(new URL(path, app.origin), init);
      statuses.push(response.status);
      const csp = directives(response.headers.get('content-security-policy'));
      expect(Object.fromEntries(csp), path).toEqual({
        'default-src': "'self'",
        'script-src': "'self'",
        'style-src': "'self'",
        'img-src': "'self'",
        'connect-src': "'self'",
        'object-src': "'none'",
        'base-uri': "'none'",
        'frame-ancestors': "'none'",
        'form-action': "'self'",
      });
      const headers = Object.fromEntries(
        [
          'x-content-type-options',
          'referrer-policy',
          'cross-origin-opener-policy',
          'permissions-policy',
          'x-frame-options',
        ].map((name) => [name, response.headers.get(name)]),
      );
      expect(headers, path).toEqual({
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
        'permissions-policy': expect.stringMatching(/^hid=\(self\), usb=\(self\)(, [a-z-]+=\(\))*$/),
        'x-frame-options': 'DENY',
      });
      await response.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 404, 426, 405]);
  });

  it('the built page has no inline script, style or event handler', async () => {
    const html = await (await fetch(app.origin)).text();
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/<style/);
    expect(html).not.toMatch(/\sstyle=|\son[a-z]+=/i);
    expect(html).toMatch(/<link rel="stylesheet"[^>]*href="\/assets\/[^"]+\.css"/);
  });
});

describe('the page: under its Content-Security-Policy', () => {
  it('a whole share runs with no CSP violation and no console error', async () => {
    const { sharer, sharerErrors, link } = await shareDemo();
    const receiver = await openPage(link);
    // The approval prompt is part of the share: it too must render under the policy.
    await approveReceiver(sharer);
    await expectLiveAxis(sharer, receiver.page, 100);
    expect(await receiver.page.getByTestId('device-name').textContent()).toBe('SpaceNavigator (Ferry demo)');
    // The decoded axis bars are positioned through the CSSOM, which the CSP allows (a style="" would not be).
    await expect
      .poll(() =>
        receiver.page.getByTestId('input-decoded-1').locator('.bar span').first().getAttribute('style'),
      )
      .toMatch(/^left: \d+(\.\d+)?%;?$/);
    // The QR code is drawn (canvas), and the status polls show the receiver.
    await expect.poll(() => sharer.getByTestId('status-peers').textContent()).toContain('connected');
    expect(await violations(sharer)).toEqual([]);
    expect(await violations(receiver.page)).toEqual([]);
    expect([...sharerErrors, ...receiver.errors]).toEqual([]);
  });

  it('reports a violation when the page tries something the policy forbids (the check can fail)', async () => {
    const { page, errors } = await openPage('/');
    await page.getByTestId('demo-button').waitFor();
    await page.evaluate(() => {
      const style = document.createElement('style');
      style.textContent = 'body { color: red }';
      document.head.append(style);
    });
    await expect.poll(() => violations(page)).toEqual([expect.stringMatching(/^style-src-elem inline$/)]);
    expect(errors.join('\n')).toMatch(/Content Security Policy/);
  });
});

describe('the page: the secret leaves the address bar', () => {
  it('after opening a share link the URL and history hold no secret; Back/Forward and reload still work', async () => {
    const { sharer, sharerErrors, link } = await shareDemo(true);
    const secret = new URL(link).hash.slice(1);
    const path = new URL(link).pathname;
    const receiver = await openPage(link);
    await expectLiveAxis(sharer, receiver.page, 10);
    expect(await receiver.page.evaluate(() => location.hash)).toBe('');
    expect(receiver.page.url()).toBe(new URL(path, app.origin).href);

    // The history entry was replaced, not added to: going back leaves the app, forward returns without it.
    await receiver.page.goBack();
    expect(receiver.page.url()).toBe('about:blank');
    await receiver.page.goForward();
    expect(receiver.page.url()).not.toContain(secret);
    await expectLiveAxis(sharer, receiver.page, 20);

    // A reload finds the secret this tab kept (sessionStorage), and the URL stays bare.
    await receiver.page.reload();
    await expectLiveAxis(sharer, receiver.page, 30);
    expect(receiver.page.url()).toBe(new URL(path, app.origin).href);
    expect(await receiver.page.evaluate(() => history.length)).toBe(2);

    // Another tab (a new profile here) opening the bare URL has no secret: it says the link is incomplete.
    const bare = await openPage(path);
    await expect.poll(() => bare.page.getByRole('alert').textContent()).toMatch(/missing its secret/);

    expect(await violations(receiver.page)).toEqual([]);
    expect([...sharerErrors, ...receiver.errors]).toEqual([]);
  });
});
