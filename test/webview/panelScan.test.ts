// A filter over a large store (built webview in Chromium, real FramesHost): the host answers at
// once and scans in slices. While rows come in, the panel shows the scan as a bar along the top
// bar's edge (the count and the toolbar keep their places) and shows rows it has fetched, not
// placeholders chasing an end that moves every few milliseconds; once the scan is done a
// following list is at the end.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { compileFilter } from '../../src/core/capture/filter';
import { panelSuite } from './harness';
import { realisticStore } from './fixtures';

const box = (page: Page, testid: string) =>
  page.$eval(`[data-testid=${testid}]`, (el) => {
    const r = el.getBoundingClientRect();
    return { top: r.top, left: r.left };
  });

describe('frames panel: a filter scanning a large store (Chromium)', function () {
  this.timeout(120_000);
  const suite = panelSuite();

  it('shows the scan as a progress bar and real rows while it runs, then follows the end', async () => {
    // Enough frames that state: scans them over many slices (Updates are read for the first time).
    const store = realisticStore(400_000);
    const { page } = await suite.open(store, { viewport: { width: 1100, height: 560 } });
    await page.waitForFunction(() => document.querySelectorAll('.fx-row:not([hidden])').length > 0);
    const followBefore = await box(page, 'follow');

    await page.fill('[data-testid=filter]', 'state:READY');
    await page.press('[data-testid=filter]', 'Enter');
    // Mid-scan: the bar is shown, and every row on screen is a fetched row.
    await page.waitForFunction(
      () =>
        !!document.querySelector('[data-testid=filter-progress]:not([hidden])') &&
        document.querySelectorAll('.fx-row:not([hidden])').length > 0 &&
        !document.querySelector('.fx-row.placeholder:not([hidden])'),
      undefined,
      { polling: 'raf' },
    );
    const count = (await page.textContent('[data-testid=count]')) ?? '';
    assert.match(count, /^[\d,]+ of 400,000 frames$/, 'the count keeps its form while scanning');
    assert.deepEqual(await box(page, 'follow'), followBefore, 'the toolbar did not move');
    const now = Number(await page.getAttribute('[data-testid=filter-progress]', 'aria-valuenow'));
    assert.ok(now >= 0 && now < 100, `progress ${now}%`);

    // Done: no bar, every match counted, and the list at the last one. (Matched here only now:
    // the filter learns what it reads about each frame, which would have shortened the scan.)
    await page.waitForSelector('[data-testid=filter-progress]', { state: 'hidden' });
    const compiled = compileFilter('state:READY');
    assert.ok(compiled.ok);
    const match = compiled.filter.matcher();
    let lastMatch = 0;
    let matches = 0;
    for (const f of store)
      if (match(f)) {
        lastMatch = f.id;
        matches++;
      }
    await page.waitForFunction(
      (t) => document.querySelector('[data-testid=count]')?.textContent === t,
      `${matches.toLocaleString('en-US')} of 400,000 frames`,
    );
    await page.waitForSelector(`.fx-row[data-id="${lastMatch}"]:not(.placeholder)`, { state: 'visible' });
  });
});
