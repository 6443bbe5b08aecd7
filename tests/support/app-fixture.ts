import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createFerryServer, type FerryServer } from '../../signaling/index.ts';
import { collectPageErrors, launchChromium } from './browser.ts';

/** The real server serving the built app, one Chromium for the file, and cleanups run after each test. */
export interface AppFixture {
  readonly server: FerryServer;
  readonly browser: Browser;
  /** http://localhost:<port> of the server (localhost: WebHID needs a secure context). */
  readonly origin: string;
  /** Runs `cleanup` after the current test, newest first. */
  defer(cleanup: () => unknown): void;
  /**
   * Opens `path` of the app in a fresh context (closed after the test), collecting the page's errors;
   * `prepare` runs before navigation (e.g. to install a fake device API).
   */
  openPage(path: string, prepare?: (page: Page) => Promise<void>): Promise<{ page: Page; errors: string[] }>;
}

/** Registers the hooks; call once at the top of an e2e test file (the app must be built into dist/). */
export function useAppAndBrowser(): AppFixture {
  let server: FerryServer | undefined;
  let browser: Browser | undefined;
  const cleanups: Array<() => unknown> = [];
  beforeAll(async () => {
    server = await createFerryServer({ port: 0, staticDir: 'dist' });
    browser = await launchChromium();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the app fixture is used before beforeAll ran');
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    get browser() {
      return started(browser);
    },
    get origin() {
      return `http://localhost:${started(server).port}`;
    },
    defer: (cleanup) => cleanups.push(cleanup),
    async openPage(path, prepare) {
      const context = await started(browser).newContext();
      cleanups.push(() => context.close());
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      await prepare?.(page);
      await page.goto(new URL(path, `http://localhost:${started(server).port}`).href);
      return { page, errors };
    },
  };
}
