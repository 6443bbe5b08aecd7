/**
 * Ferry behind a reverse proxy, as docs/deploy.md tells people to run it: Debian's Caddy with the
 * checked-in docs/deploy/Caddyfile (its internal CA for localhost) in front of the real `ferry serve`
 * on loopback. Chromium shares the demo device through https://, and the real `ferry receive` pairs over
 * WSS /signal through Caddy, trusting only Caddy's root certificate (NODE_EXTRA_CA_CERTS).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { approveReceiver } from '../support/approval.ts';
import { collectPageErrors, launchChromium } from '../support/browser.ts';
import { type FerryProcess, startCommand, startFerry } from '../support/ferry-process.ts';
import { freePort } from '../support/free-port.ts';

const CADDY = '/usr/bin/caddy';
const CHECKED_IN_CADDYFILE = resolve(import.meta.dirname, '../../docs/deploy/Caddyfile');

const running: FerryProcess[] = [];
let dir = '';
let origin = '';
let rootCert = '';
let caddy: FerryProcess;
let ferry: FerryProcess;
let browser: Browser;

function httpsGet(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    request(url, { agent: new Agent({ ca }) }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => done({ status: response.statusCode ?? 0, body }));
    })
      .on('error', fail)
      .end();
  });
}

/** Caddy signs its localhost certificate a moment after it starts; ask until the proxy answers. */
async function untilProxied(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const ca = await readFile(rootCert);
      if ((await httpsGet(url, ca)).status === 200) return;
    } catch (error) {
      last = error;
    }
    await new Promise((wake) => setTimeout(wake, 250));
  }
  throw new Error(`${url} not proxied in ${timeoutMs} ms (${last}); caddy:\n${caddy.stderr.join('\n')}`);
}

/** The checked-in site block, imported under the global options a test run needs. */
function testCaddyfile(storage: string): string {
  return `{
\tadmin off
\tlocal_certs
\tskip_install_trust
\tauto_https disable_redirects
\tstorage file_system ${storage}
}
import ${CHECKED_IN_CADDYFILE}
`;
}

beforeAll(async () => {
  dir = await mkdtemp(`${tmpdir()}/ferry-caddy-`);
  const port = await freePort();
  origin = `https://localhost:${port}`;
  rootCert = `${dir}/storage/pki/authorities/local/root.crt`;

  ferry = startFerry(['serve', '--port', '0', '--public-url', origin, '--trust-proxy', 'X-Forwarded-For']);
  const line = await ferry.waitForLine((l) => l.startsWith('Ferry is running at '), 40_000);
  const upstream = new URL(line.slice('Ferry is running at '.length));

  await writeFile(`${dir}/Caddyfile`, testCaddyfile(`${dir}/storage`));
  caddy = startCommand(CADDY, ['run', '--config', `${dir}/Caddyfile`, '--adapter', 'caddyfile'], {
    cwd: dir,
    env: {
      HOME: dir,
      XDG_DATA_HOME: `${dir}/data`,
      XDG_CONFIG_HOME: `${dir}/config`,
      FERRY_DOMAIN: `localhost:${port}`,
      FERRY_UPSTREAM: `127.0.0.1:${upstream.port}`,
    },
  });
  await untilProxied(`${origin}/healthz`);
  browser = await launchChromium();
}, 120_000);

afterEach(() => {
  for (const process of running.splice(0)) process.child.kill('SIGTERM');
});

afterAll(async () => {
  await browser?.close();
  caddy?.child.kill('SIGTERM');
  ferry?.child.kill('SIGTERM');
  await Promise.all([caddy?.exited, ferry?.exited]);
  await rm(dir, { recursive: true, force: true });
});

/**
 * A page on the proxied origin. Chromium is given no CA: the context ignores certificate errors
 * (Playwright's ignoreHTTPSErrors), so the page is still https:// and a secure context for WebHID.
 */
async function openPage(path: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await page.goto(new URL(path, origin).href);
  return { page, errors };
}

function receive(args: string[]): FerryProcess {
  const receiver = startFerry(['receive', ...args, '--stats', '60'], { NODE_EXTRA_CA_CERTS: rootCert });
  running.push(receiver);
  return receiver;
}

describe('ferry serve behind Caddy (docs/deploy/Caddyfile)', () => {
  it('answers /healthz and serves the web app through the proxy', async () => {
    const ca = await readFile(rootCert);
    const health = await httpsGet(`${origin}/healthz`, ca);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ ok: true });
    expect((await httpsGet(`${origin}/`, ca)).body).toContain('<ferry-app');
  });

  it('shares the demo from Chromium over https:// to ferry receive --signal https://', async () => {
    const sharer = await openPage('/');
    await sharer.page.getByTestId('demo-button').click();
    const input = sharer.page.getByTestId('share-link');
    await expect.poll(() => input.inputValue(), { timeout: 20_000 }).toMatch(/\/s\//);
    const link = await input.inputValue();
    expect(link).toMatch(new RegExp(`^${origin}/s/[\\w-]{22}#[\\w-]{22}$`));

    const receiver = receive([link, '--signal', origin]);
    await approveReceiver(sharer.page);
    await receiver.waitForLine((l) => l === 'N: SpaceNavigator (Ferry demo)', 40_000);
    await sharer.page.getByTestId('demo-axis-0').fill('100');
    await receiver.waitForLine((l) => l.startsWith('E: '), 20_000);
    await sharer.page.context().close();
    expect(sharer.errors).toEqual([]);
  });

  it('pairs a waiting ferry receive --signal https:// with the page that opens its /r/ link', async () => {
    const receiver = receive(['--signal', origin, '--name', 'Behind Caddy']);
    const link = await receiver.waitForLine((l) => l.includes('/r/'), 40_000);
    expect(link).toMatch(new RegExp(`^${origin}/r/[\\w-]+#[\\w-]+$`));
    const url = new URL(link);
    const sharer = await openPage(url.pathname + url.hash);
    await expect
      .poll(() => sharer.page.getByTestId('receiver-heading').textContent(), { timeout: 20_000 })
      .toContain('Behind Caddy');
    await sharer.page.getByTestId('demo-button').click();
    await approveReceiver(sharer.page, { name: 'Behind Caddy' });
    await receiver.waitForLine((l) => l === 'N: SpaceNavigator (Ferry demo)', 40_000);
    await sharer.page.getByTestId('demo-axis-1').fill('-2');
    await receiver.waitForLine((l) => l.startsWith('E: '), 20_000);
    await sharer.page.context().close();
    expect(sharer.errors).toEqual([]);
  });
});
