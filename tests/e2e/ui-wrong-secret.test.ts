/**
 * A wrong secret, in real Chromium: the receiver who holds it is told what is wrong and what to do, and
 * the sharer, whose share is fine, is not shown an error because a stranger mistyped a code.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CODE_WORDS, parseShareLink, parseShortCode } from '../../src/transport/index.ts';
import { useAppAndBrowser } from '../support/app-fixture.ts';
import { approveReceiver } from '../support/approval.ts';
import { startFerryReceive } from '../support/ferry-process.ts';

const app = useAppAndBrowser();

/** The line `ferry receive` prints on stderr when it waits: `… or type the code 7-amber-falcon`. */
const CODE_HINT = /type the code (\d+-[a-z]+-[a-z]+)$/;

/** A sharer page sharing the demo device; resolves with its link and code. */
async function shareDemo(): Promise<{ page: Page; errors: string[]; link: string; code: string }> {
  const sharer = await app.openPage('/');
  await sharer.page.getByTestId('demo-button').click();
  const linkInput = sharer.page.getByTestId('share-link');
  await expect.poll(() => linkInput.inputValue(), { timeout: 15_000 }).toMatch(/#[\w-]{22}$/);
  const code = (await sharer.page.getByTestId('share-code').textContent()) ?? '';
  return { ...sharer, link: await linkInput.inputValue(), code };
}

/** The same session id with another secret: what a link copied wrong (or an old one) looks like. */
function withOtherSecret(link: string): string {
  const { secret } = parseShareLink(link);
  const other = secret.startsWith('A') ? `B${secret.slice(1)}` : `A${secret.slice(1)}`;
  return link.replace(`#${secret}`, `#${other}`);
}

/** The same nameplate with two other words: someone who misheard the code. */
function withOtherWords(code: string): string {
  const { nameplate, words } = parseShortCode(code);
  const others = CODE_WORDS.filter((word) => !words.includes(word));
  return `${nameplate}-${others[0]}-${others[1]}`;
}

/** Waits until the sharer's status no longer lists anyone, then reads what its page shows as errors. */
async function sharerErrorsAfterRefusal(sharer: Page): Promise<{ lastError: string; shareError: number }> {
  await expect
    .poll(() => sharer.getByTestId('status-peers').textContent(), { timeout: 15_000 })
    .toMatch(/nobody yet/);
  return {
    lastError: (await sharer.getByTestId('last-error').textContent()) ?? '',
    shareError: await sharer.getByTestId('share-error').count(),
  };
}

describe('a wrong secret', () => {
  it("a link with the wrong secret tells the receiver the link's secret is wrong, not that the share ended", async () => {
    const sharer = await shareDemo();
    const receiver = await app.openPage(withOtherSecret(sharer.link));
    const state = receiver.page.getByTestId('receive-state');
    await expect.poll(() => state.getAttribute('data-phase'), { timeout: 20_000 }).toBe('failed');
    const text = (await state.textContent()) ?? '';
    expect(text).toMatch(/this link's secret is wrong — ask for the link again/i);
    expect(text).not.toMatch(/ended/i);
    expect(await sharerErrorsAfterRefusal(sharer.page)).toEqual({ lastError: 'none', shareError: 0 });
    expect([...sharer.errors, ...receiver.errors]).toEqual([]);
  });

  it("a mistyped code tells the typist the code is wrong and puts no error on the sharer's page", async () => {
    const sharer = await shareDemo();
    const typist = await app.openPage('/');
    await typist.page.getByTestId('code-input').fill(withOtherWords(sharer.code));
    await typist.page.getByTestId('code-join').click();
    const state = typist.page.getByTestId('receive-state');
    await expect.poll(() => state.getAttribute('data-phase'), { timeout: 20_000 }).toBe('failed');
    expect(await state.textContent()).toMatch(/this code is wrong — check it and try again/i);
    expect(await sharerErrorsAfterRefusal(sharer.page)).toEqual({ lastError: 'none', shareError: 0 });

    // The share is unharmed. (The failed attempt burned the code, as docs/security.md explains: the
    // share page says the code no longer works, which is not an error; the link still gets in.)
    const receiver = await app.openPage(sharer.link);
    await approveReceiver(sharer.page);
    await expect
      .poll(() => receiver.page.getByTestId('device-name').textContent(), { timeout: 20_000 })
      .toBe('SpaceNavigator (Ferry demo)');
    expect(await sharer.page.getByTestId('last-error').textContent()).toBe('none');
    expect([...sharer.errors, ...typist.errors, ...receiver.errors]).toEqual([]);
  });

  it('a sharer who mistypes a waiting `ferry receive` code is told so, and the receiver waits for the right sharer', async () => {
    const receive = startFerryReceive(['--signal', app.origin, '--name', 'build-box']);
    app.defer(() => receive.child.kill('SIGKILL'));
    const code = CODE_HINT.exec(await receive.waitForErrLine((line) => CODE_HINT.test(line)))?.[1] ?? '';
    const sharer = await app.openPage('/');
    await sharer.page.getByTestId('receiver-code-input').fill(withOtherWords(code));
    await sharer.page.getByTestId('demo-button').click();
    await expect
      .poll(() => sharer.page.getByTestId('share-error').textContent(), { timeout: 20_000 })
      .toBe('This code is wrong — check it and try again.');
    await receive.waitForErrLine((line) => line === 'ferry: turned away a sharer with a wrong code');

    // The same receiver, still waiting, takes the demo device from a sharer who opens its link (the
    // failed attempt burned the code, so the link is the way in now).
    const link = receive.stdout[0] ?? '';
    const right = await app.openPage(new URL(link).pathname + new URL(link).hash);
    await right.page.getByTestId('demo-button').click();
    await approveReceiver(right.page, { name: 'build-box' });
    await receive.waitForLine((line) => line === 'N: SpaceNavigator (Ferry demo)');
    expect([...sharer.errors, ...right.errors]).toEqual([]);
    receive.child.kill('SIGINT');
    expect(await receive.exited).toBe(0);
  });
});
