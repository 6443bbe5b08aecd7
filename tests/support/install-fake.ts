import type { Page } from 'playwright-core';
import { fakeWebHidInitScript } from './bundle-fake.ts';
import type { FakeHidConfig } from './fake-webhid/config.ts';

/**
 * Installs the fake `navigator.hid` in every document `page` loads from now on, before the page's own
 * scripts run. Call it before `page.goto`.
 */
export async function installFakeWebHid(page: Page, config: FakeHidConfig): Promise<void> {
  await page.addInitScript({ content: await fakeWebHidInitScript(config) });
}
