/**
 * Makes docs/timeline.png, the README's picture of Finesse: Show Timeline: an agent's morning
 * (REST sign-in, READY, a call rung, answered and dropped, an invalid state change answered by
 * apiErrors, wrap-up, READY) and a colleague's states from the Team node, drawn by the built
 * timeline webview in headless Chromium with VS Code's Dark Modern colours.
 *
 *   npm run build && npx tsx test/webview/timelineScreenshot.ts [out.png]
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { agentDay, HOUR } from '../support/agentDay';
import { TimelineHarness } from './timelineHarness';

const OUT = process.argv[2] ?? join(__dirname, '..', '..', 'docs', 'timeline.png');

async function main(): Promise<void> {
  const harness = await TimelineHarness.start();
  try {
    const day = agentDay();
    // Opened the next day: a saved capture spans its own frames whatever the time.
    const view = await harness.open(day.store, {
      now: () => day.t + 24 * HOUR,
      title: 'agent-morning.finesse-session',
      viewport: { width: 1100, height: 330 },
    });
    await view.delivered((m) => m.type === 'model');
    // Hover the apiError so the picture shows what a hover tells.
    await view.page.hover('path.mark.m-apiError');
    await view.page.waitForSelector('.tl-tooltip:not([hidden])');
    mkdirSync(dirname(OUT), { recursive: true });
    await view.page.screenshot({ path: OUT });
    await view.close();
    console.log(OUT);
  } finally {
    await harness.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
