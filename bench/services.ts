/** What the browser-driven parts share: Chromium, the bench page host, Ferry's signaling server, the relay. */
import { createFerryServer } from '../signaling/index.ts';
import { launchChromium } from '../tests/support/browser.ts';
import type { Services } from './endpoints.ts';
import { startPageHost } from './page-host.ts';
import { startRelay } from './relay.ts';

export async function startServices(
  receiverArgv: string[] = [],
): Promise<Services & { close(): Promise<void> }> {
  const [browser, host, ferry, relay] = await Promise.all([
    launchChromium(),
    startPageHost(),
    createFerryServer({ port: 0 }),
    startRelay(),
  ]);
  return {
    browser,
    host,
    signalUrl: `${ferry.url.replace('http', 'ws')}/signal`,
    relayUrl: relay.url,
    receiverArgv,
    async close() {
      await browser.close();
      await Promise.all([host.close(), ferry.close(), relay.close()]);
    },
  };
}
