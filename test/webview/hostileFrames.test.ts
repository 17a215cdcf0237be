// What a hostile peer's frames do to the panel in Chromium: bidi and control characters show
// as visible \uXXXX escapes in the row and the detail pane, a 10,000-deep frame opens with a
// clear notice instead of breaking the pane, and a non-object message to the host is ignored.
import assert from 'node:assert/strict';
import { PanelPage, panelSuite } from './harness';
import { login, pusher } from './fixtures';
import { FrameStore } from '../../src/core/capture/frameStore';
import type { FromWebview } from '../../src/protocol/messages';

describe('frames panel: hostile frames (Chromium)', function () {
  this.timeout(120_000);
  const suite = panelSuite();
  let panel: PanelPage | undefined;

  it('shows U+202E and other invisible characters as \\uXXXX in the row and the detail pane', async () => {
    const store = new FrameStore();
    const push = pusher(store);
    login(push);
    push('in', '<message xmlns="jabber:client"><body>invoice\u202Efdp.exe\u200B\u0007</body></message>');
    const id = store.lastId;
    push('in', 'gpj\u202E.exe');
    const textId = store.lastId;
    panel = await suite.open(store);
    const { page } = panel;
    await page.waitForSelector(`.fx-row[data-id="${textId}"]`);
    const summary = await page.textContent(`.fx-row[data-id="${textId}"] .fx-summary-text`);
    assert.ok(summary?.includes('gpj\\u202E.exe'), summary ?? '');
    assert.ok(!summary?.includes('\u202E'));
    assert.ok(panel.host.reveal(id));
    await page.waitForFunction(
      (i) => document.querySelector('[data-testid=detail-heading]')?.textContent?.startsWith(`#${i}`),
      id,
    );
    await page.click('[data-tab=raw]');
    const body = (await page.textContent('[data-testid=detail-body]')) ?? '';
    assert.ok(body.includes('invoice\\u202Efdp.exe\\u200B\\u0007'), body);
    assert.ok(!/[\u202E\u200B\u0007]/.test(body));
    assert.match((await page.textContent('.fx-detail-note')) ?? '', /shown as \\uXXXX/);
  });

  it('a 10,000-deep frame opens with a notice; the raw text is complete; the host survives non-object messages', async () => {
    const store = new FrameStore();
    const push = pusher(store);
    login(push);
    const deep = '<message xmlns="jabber:client">' + '<a>'.repeat(10_000) + 'x' + '</a>'.repeat(10_000) + '</message>';
    push('in', deep);
    const id = store.lastId;
    panel = await suite.open(store);
    const { page } = panel;
    for (const bad of [null, 'ready', 42, ['ready']]) panel.host.receive(bad as unknown as FromWebview);
    assert.ok(panel.host.reveal(id));
    await page.waitForFunction(
      (i) => document.querySelector('[data-testid=detail-heading]')?.textContent?.startsWith(`#${i}`),
      id,
    );
    await page.click('[data-tab=pretty]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=detail-body]')?.getAttribute('data-tab') === 'pretty',
    );
    assert.match((await page.textContent('.fx-detail-note')) ?? '', /nested more than 200 levels deep/);
    await page.click('[data-tab=raw]');
    assert.equal((await page.textContent('[data-testid=detail-body]'))?.length, deep.length);
  });
});
