/**
 * The share page's approval prompt, driven the way a person does (docs/security.md): wait for the
 * receiver's prompt, optionally pick what it may do, click Approve or Deny.
 */
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Permission } from '../../src/transport/index.ts';

/** The prompt of the waiting receiver named `name` (or the first one), once it shows. */
export async function approvalPrompt(page: Page, name?: string, timeout = 20_000): Promise<Locator> {
  const prompts = page.getByTestId('approval-prompt');
  const prompt = name === undefined ? prompts.first() : prompts.filter({ hasText: name }).first();
  await prompt.waitFor({ state: 'visible', timeout });
  return prompt;
}

/** Approves the waiting receiver named `name` (or the first) with `permission` (default: the page's choice). */
export async function approveReceiver(
  page: Page,
  options: { name?: string; permission?: Permission } = {},
): Promise<void> {
  const prompt = await approvalPrompt(page, options.name);
  if (options.permission) await prompt.getByTestId('approval-permission').selectOption(options.permission);
  await prompt.getByTestId('approve-button').click();
}

/** Lets whoever has the link in without asking: flip before the receivers arrive. */
export async function allowAnyone(page: Page): Promise<void> {
  await page.getByTestId('anyone-switch').check();
}

/** Approves `count` receivers one after the other (whoever is waiting first), each once. */
export async function approveReceivers(page: Page, count: number): Promise<void> {
  const approved = page.locator('[data-testid="status-peer"][data-state="open"]');
  for (let done = await approved.count(); done < count; done++) {
    const prompt = await approvalPrompt(page);
    await prompt.getByTestId('approve-button').click();
    await expect.poll(() => approved.count(), { timeout: 20_000 }).toBeGreaterThan(done);
  }
}
