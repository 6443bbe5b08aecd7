/**
 * `ferry serve` as a user runs it — the real CLI process: HTTPS and WSS with --tls-cert/--tls-key (a
 * certificate the test makes with openssl), every address it listens on, --public-url in the links the
 * page makes, the page's warning for localhost links, and one-line errors for bad flags.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { networkInterfaces, tmpdir } from 'node:os';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freshContext, launchChromium } from '../support/browser.ts';
import { type FerryProcess, startFerry } from '../support/ferry-process.ts';

const execFileAsync = promisify(execFile);
const running: FerryProcess[] = [];
let dir = '';
let browser: Browser;

beforeAll(async () => {
  dir = await mkdtemp(`${tmpdir()}/ferry-serve-`);
  await execFileAsync('/usr/bin/openssl', [
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1'],
    ...['-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    ...['-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`],
  ]);
  browser = await launchChromium();
});
afterEach(() => {
  for (const ferry of running.splice(0)) ferry.child.kill('SIGTERM');
});
afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

function serve(args: string[]): FerryProcess {
  const ferry = startFerry(['serve', '--port', '0', ...args]);
  running.push(ferry);
  return ferry;
}

async function servingAt(ferry: FerryProcess): Promise<string> {
  const line = await ferry.waitForLine((l) => l.startsWith('Ferry is running at '), 40_000);
  return line.slice('Ferry is running at '.length);
}

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

async function demoShareLink(origin: string): Promise<{ link: string; warned: boolean }> {
  const page = await (await freshContext(browser)).newPage();
  await page.goto(origin);
  await page.getByTestId('demo-button').click();
  const input = page.getByTestId('share-link');
  await expect.poll(() => input.inputValue(), { timeout: 20_000 }).toMatch(/\/s\//);
  const warned = await page.getByTestId('local-link-warning').isVisible();
  const link = await input.inputValue();
  await page.context().close();
  return { link, warned };
}

describe('ferry serve', () => {
  it('serves HTTPS and WSS with --tls-cert/--tls-key, and ferry receive signals through it', async () => {
    const ferry = serve(['--tls-cert', `${dir}/cert.pem`, '--tls-key', `${dir}/key.pem`]);
    const origin = await servingAt(ferry);
    expect(origin).toMatch(/^https:\/\/localhost:\d+$/);
    const ca = await readFile(`${dir}/cert.pem`);
    const health = await httpsGet(`${origin}/healthz`, ca);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ ok: true });
    expect((await httpsGet(`${origin}/`, ca)).body).toContain('<ferry-app');

    // The WebSocket is WSS on the same port: a waiting receiver creates its session through it.
    const receiver = startFerry(['receive', '--signal', origin, '--stats', '60'], {
      NODE_EXTRA_CA_CERTS: `${dir}/cert.pem`,
    });
    running.push(receiver);
    const link = await receiver
      .waitForLine((l) => l.includes('/r/'), 30_000)
      .catch(async (error) => {
        throw new Error(`${error}\n${receiver.stderr.join('\n')}`);
      });
    expect(link).toMatch(new RegExp(`^${origin}/r/[\\w-]+#[\\w-]+$`));
  });

  it('prints every address it listens on when bound to all interfaces', async () => {
    const ferry = serve(['--host', '0.0.0.0']);
    const first = await servingAt(ferry);
    const port = new URL(first).port;
    expect(first).toBe(`http://localhost:${port}`);
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((info) => info?.family === 'IPv4' && !info.internal)
      .map((info) => `  also at http://${info?.address}:${port}`);
    for (const line of external) await ferry.waitForLine((l) => l === line);
  });

  it('puts --public-url into the links the page makes, without the localhost warning', async () => {
    const ferry = serve(['--public-url', 'https://ferry.example']);
    const origin = await servingAt(ferry);
    const config = await (await fetch(`${origin}/config.json`)).json();
    expect(config).toMatchObject({ publicUrl: 'https://ferry.example' });
    const { link, warned } = await demoShareLink(origin);
    expect(link).toMatch(/^https:\/\/ferry\.example\/s\/[\w-]{22}#[\w-]{22}$/);
    expect(warned).toBe(false);
  });

  it('warns on the page when the share link is localhost', async () => {
    const origin = await servingAt(serve([]));
    const { link, warned } = await demoShareLink(origin);
    expect(link.startsWith(`${origin}/s/`)).toBe(true);
    expect(warned).toBe(true);
  });

  it.each([
    [
      ['--tls-cert', '/nonexistent/cert.pem', '--tls-key', '/nonexistent/key.pem'],
      /cannot read the TLS certificate/,
    ],
    [['--tls-cert', '/nonexistent/cert.pem'], /--tls-cert and --tls-key go together/],
    [['--public-url', 'https://ferry.example/some/path'], /must be an origin only/],
  ])('refuses %j with one clear line', async (args, message) => {
    const ferry = serve(args);
    expect(await ferry.exited).not.toBe(0);
    const text = ferry.stderr.join('\n');
    expect(text).toMatch(message);
    expect(text).not.toMatch(/\n\s+at /);
  });
});
