/**
 * A Chromium whose tabs really go to the background (tests/e2e/background-tab.test.ts). The browser the
 * other e2e tests use (browser.ts, `chromium.launch`) never hides a page: Playwright turns on focus
 * emulation in every page it opens (`Emulation.setFocusEmulationEnabled`, which counts as a capture
 * of the page and keeps it visible) and launches with `--disable-background-timer-throttling`,
 * `--disable-renderer-backgrounding` and `--disable-backgrounding-occluded-windows`. Bringing another
 * tab to the front, minimising the window, even a headful window on Xvfb: `document.visibilityState`
 * stayed 'visible' and a 50 ms interval kept ticking every 50 ms (tried 2026-12-03, Chromium 150).
 *
 * So this starts /usr/bin/chromium itself (the same flags as browser.ts, none of Playwright's) and
 * attaches with `connectOverCDP({ noDefaults: true })`, which leaves focus emulation off in the
 * browser's default context. There a tab behind another one is hidden, as a person's is, and its
 * timers are throttled to Chrome's once-a-second wake-ups.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './browser.ts';

export interface BackgroundableBrowser {
  readonly browser: Browser;
  /** The browser's default context: its tabs share one window, and a tab behind another is hidden. */
  readonly context: BrowserContext;
  close(): Promise<void>;
}

const DEVTOOLS_LINE = /DevTools listening on (ws:\/\/\S+)/;

function devtoolsEndpoint(child: ChildProcess & { stderr: Readable }): Promise<string> {
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error('chromium printed no DevTools endpoint in 20 s')), 20_000);
    child.once('exit', (code) => fail(new Error(`chromium exited (${code}) before it listened`)));
    createInterface({ input: child.stderr }).on('line', (line) => {
      const match = DEVTOOLS_LINE.exec(line);
      if (!match?.[1]) return;
      clearTimeout(timer);
      done(match[1]);
    });
  });
}

/** Starts a Chromium (fresh profile) whose background tabs are hidden and throttled, as a user's are. */
export async function launchBackgroundableChromium(): Promise<BackgroundableBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'ferry-background-'));
  const child = spawn(
    CHROMIUM_PATH,
    [...CHROMIUM_ARGS, '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise((done) => child.once('exit', done));
  try {
    const browser = await chromium.connectOverCDP(await devtoolsEndpoint(child), {
      noDefaults: true,
      isLocal: true,
    });
    const [context] = browser.contexts();
    if (!context) throw new Error('chromium has no default context');
    return {
      browser,
      context,
      async close() {
        await browser.close().catch(() => undefined);
        child.kill('SIGKILL');
        await exited;
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}

/** What a person does to send `page` to the background: opens another tab in front of it. */
export async function coverWithNewTab(context: BrowserContext, page: Page): Promise<Page> {
  const front = await context.newPage();
  await front.bringToFront();
  await page.waitForFunction(() => document.visibilityState === 'hidden', undefined, { timeout: 10_000 });
  return front;
}

/**
 * The gaps (ms) between the ticks of a `setInterval(…, 50)` run in `page` for `forMs`, measured in
 * the page: how Chrome schedules that page's timers now.
 */
export function intervalGaps(page: Page, forMs: number): Promise<number[]> {
  return page.evaluate(
    (forMs) =>
      new Promise<number[]>((done) => {
        const ticks: number[] = [];
        const start = performance.now();
        const timer = setInterval(() => {
          ticks.push(performance.now());
          if (performance.now() - start < forMs) return;
          clearInterval(timer);
          done(ticks.slice(1).map((tick, index) => Math.round(tick - (ticks[index] ?? tick))));
        }, 50);
      }),
    forMs,
  );
}
