// The built frames webview (dist/webview.js, media/panel.css, the real panel HTML and CSP) in
// headless Chromium, talking to the real host controller over real FrameStores.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Page } from 'playwright-core';
import { PanelPage, panelSuite } from './harness';
import { HOSTILE, login, pusher, realisticStore, round } from './fixtures';
import { FrameStore } from '../../src/core/capture/frameStore';
import { toRow } from '../../src/core/capture/rows';
import { frameView } from '../../src/core/capture/frameView';
import { plainPayload } from '../../src/core/xmpp/sasl';
import { formatBytes, formatTime } from '../../webview-ui/src/format';
import type { FrameActions, ToolbarSource } from '../../src/protocol/actions';
import type { FrameAction, ToolbarToggle } from '../../src/protocol/messages';

const ROW_HEIGHT = 22;

interface ShownRow {
  index: number;
  id: number | undefined;
  top: number;
  time: string;
  dir: string;
  kind: string;
  summary: string;
  badges: string;
  event: string;
  size: string;
  selected: boolean;
}

/** Rows inside the list's viewport, top to bottom. */
function shownRows(page: Page): Promise<ShownRow[]> {
  return page.$$eval('.fx-row:not([hidden])', (els) => {
    const vp = (document.querySelector('.fx-viewport') as HTMLElement).getBoundingClientRect();
    return els
      .map((el) => {
        const r = el.getBoundingClientRect();
        const c = el.children;
        const id = el.getAttribute('data-id');
        return {
          index: Number(el.getAttribute('data-index')),
          id: id === null ? undefined : Number(id),
          top: Math.round(r.top - vp.top),
          inside: r.bottom > vp.top + 1 && r.top < vp.bottom - 1,
          time: c[0].textContent ?? '',
          dir: c[1].textContent ?? '',
          kind: c[2].textContent ?? '',
          summary: c[3].querySelector('.fx-summary-text')?.textContent ?? '',
          badges: c[3].querySelector('.fx-badges')?.textContent ?? '',
          event: c[4].textContent ?? '',
          size: c[5].textContent ?? '',
          selected: el.getAttribute('aria-selected') === 'true',
        };
      })
      .filter((r) => r.inside)
      .sort((a, b) => a.index - b.index)
      .map(({ inside: _inside, ...r }) => r);
  });
}

/** Waits until the list shows rows and none of them is still a placeholder. */
async function rowsLoaded(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      document.querySelectorAll('.fx-row:not([hidden])').length > 0 &&
      !document.querySelector('.fx-row.placeholder:not([hidden])'),
  );
}

async function countText(page: Page): Promise<string> {
  return (await page.textContent('[data-testid=count]')) ?? '';
}

async function waitForCount(page: Page, text: string): Promise<void> {
  await page.waitForFunction((t) => document.querySelector('[data-testid=count]')?.textContent === t, text);
}

async function filterBy(page: Page, text: string): Promise<void> {
  await page.fill('[data-testid=filter]', text);
  await page.press('[data-testid=filter]', 'Enter');
}

/** What a row must show for a frame, computed from the frame itself. */
function expectedRow(store: FrameStore, id: number) {
  const frame = store.get(id);
  assert.ok(frame, `frame ${id} in the store`);
  return {
    id,
    time: formatTime(frame.t),
    dir: frame.dir === 'out' ? '→' : '←',
    kind: frame.kind,
    summary: toRow(frame).summary,
    event: toRow(frame).label ?? '',
    size: formatBytes(frame.bytes),
  };
}

function pick(r: ShownRow) {
  return { id: r.id, time: r.time, dir: r.dir, kind: r.kind, summary: r.summary, event: r.event, size: r.size };
}

describe('frames panel webview (Chromium)', function () {
  this.timeout(120_000);
  const suite = panelSuite();
  let panel: PanelPage | undefined;

  it('lists the frames: time, direction, kind, stanza summary, Finesse event, size; strict CSP holds', async () => {
    const store = realisticStore(300);
    panel = await suite.open(store);
    const { page } = panel;
    await rowsLoaded(page);
    assert.equal(await countText(page), '300 frames');
    assert.equal(await page.getAttribute('.fx-list', 'aria-rowcount'), '301');
    const rows = await shownRows(page);
    assert.ok(rows.length >= 20, `a screenful of rows (${rows.length})`);
    // A live panel starts following: the newest frame is the last row on screen.
    assert.equal(rows.at(-1)?.id, store.lastId);
    for (const r of rows) assert.deepEqual(pick(r), expectedRow(store, r.id as number));
    assert.ok(
      rows.some((r) => / PUT → /.test(r.event)),
      'Finesse events are labelled',
    );
    // The page's CSP is the strict one, and nothing the panel does violates it.
    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.match(
      csp ?? '',
      new RegExp(
        `^default-src 'none'; style-src ${suite.harness.origin}; script-src 'nonce-[A-Za-z0-9]+'; img-src ${suite.harness.origin} data:; font-src ${suite.harness.origin}$`,
      ),
    );
    const nonce = /'nonce-([^']+)'/.exec(csp ?? '')?.[1];
    assert.ok(nonce);
    assert.equal(await page.$eval('script[src$="webview.js"]', (el) => (el as HTMLScriptElement).nonce), nonce);
    assert.equal(await page.$$eval('script', (els) => els.length), 1, 'one script, no inline code');
    await page.click('.fx-row >> nth=3');
    await page.waitForSelector('[data-testid=detail]:visible');
    assert.deepEqual(await panel.cspViolations(), []);
  });

  it('filters in the host: text, regex, state:, direction, kind, hide pings; shows the count and query errors', async () => {
    const store = realisticStore(400);
    panel = await suite.open(store);
    const { page } = panel;
    await rowsLoaded(page);
    const all = [...store];
    const count = (pred: (f: (typeof all)[number]) => boolean) => all.filter(pred).length;

    await filterBy(page, 'state:READY');
    const ready = count((f) => frameView(f).finesse?.state === 'READY');
    assert.ok(ready > 3, `some READY updates (${ready})`);
    await waitForCount(page, `${ready} of 400 frames`);
    await rowsLoaded(page);
    for (const r of await shownRows(page)) assert.match(r.event, /→ READY$/);

    await filterBy(page, '/<presence\\b.*Round 1\\d/');
    await waitForCount(page, `${count((f) => /<presence\b.*Round 1\d/.test(f.raw))} of 400 frames`);

    await filterBy(page, '/(unclosed/');
    await page.waitForSelector('[data-testid=filter-error]:visible');
    assert.match((await page.textContent('[data-testid=filter-error]')) ?? '', /Invalid regular expression/);
    assert.equal(await page.getAttribute('[data-testid=filter]', 'aria-invalid'), 'true');
    await waitForCount(page, '0 of 400 frames');
    assert.equal((await shownRows(page)).length, 0, 'no rows of the previous filter under a broken query');

    await page.focus('[data-testid=filter]');
    await page.keyboard.press('Escape');
    await waitForCount(page, '400 frames');
    assert.equal(await page.isVisible('[data-testid=filter-error]'), false);

    await page.selectOption('[data-testid=filter-dir]', 'out');
    await waitForCount(page, `${count((f) => f.dir === 'out')} of 400 frames`);
    await rowsLoaded(page);
    for (const r of await shownRows(page)) assert.equal(r.dir, '→');

    await page.selectOption('[data-testid=filter-dir]', '');
    await page.selectOption('[data-testid=filter-kind]', 'pong');
    await waitForCount(page, `${count((f) => f.kind === 'pong')} of 400 frames`);

    await page.selectOption('[data-testid=filter-kind]', '');
    await page.check('[data-testid=filter-pings]');
    const keepalive = (f: (typeof all)[number]) =>
      f.kind === 'ping' || f.kind === 'pong' || f.kind === 'text' || /urn:xmpp:ping|id="ping_/.test(f.raw);
    await waitForCount(page, `${count((f) => !keepalive(f))} of 400 frames`);
    await rowsLoaded(page);
    for (const r of await shownRows(page))
      assert.ok(!['ping', 'pong', 'text'].includes(r.kind) && !/ping/.test(r.summary), `no keepalive: ${r.summary}`);
  });

  it('100k frames: End, Home and the middle show the right rows while the DOM stays small', async () => {
    const store = realisticStore(100_000);
    panel = await suite.open(store);
    const { page } = panel;
    await rowsLoaded(page);
    assert.equal(await countText(page), '100,000 frames');
    let rows = await shownRows(page);
    assert.equal(rows.at(-1)?.id, store.lastId, 'starts at the newest frame');
    assert.equal(rows.at(-1)?.index, 99_999);

    await page.focus('.fx-list');
    await page.keyboard.press('Home');
    await rowsLoaded(page);
    rows = await shownRows(page);
    assert.equal(rows[0].index, 0);
    assert.deepEqual(pick(rows[0]), expectedRow(store, store.firstId));
    assert.equal(rows[0].selected, true);

    // Drag the scrollbar to the middle.
    await page.$eval(
      '.fx-viewport',
      (el, top) => {
        el.scrollTop = top;
      },
      50_000 * ROW_HEIGHT,
    );
    await page.waitForFunction(() => document.querySelector('.fx-row[data-index="50000"]:not(.placeholder)') !== null);
    await rowsLoaded(page);
    rows = await shownRows(page);
    assert.equal(rows[0].index, 50_000);
    assert.equal(rows[0].top, 0);
    for (const r of rows) assert.deepEqual(pick(r), expectedRow(store, (store.at(r.index) as { id: number }).id));

    const domRows = await page.$$eval('.fx-row', (els) => els.length);
    assert.ok(domRows < 60, `only the rows on screen are in the DOM (${domRows})`);
    const requested = panel.fromWebview
      .filter((m) => m.type === 'getRows')
      .reduce((n, m) => n + (m.type === 'getRows' ? m.count : 0), 0);
    assert.ok(requested < 2_000, `the webview asked for a few windows of rows, not the store (${requested})`);

    // A filter that must decode Updates over all 100k frames still completes, with the right count.
    await filterBy(page, 'state:TALKING');
    const talking = [...store].filter((f) => frameView(f).finesse?.state === 'TALKING').length;
    await waitForCount(page, `${talking.toLocaleString('en-US')} of 100,000 frames`);
  });

  it('keeps the rows on screen still while frames arrive or are evicted; follows only at the bottom', async () => {
    const store = realisticStore(1_000, 1_000);
    const push = pusher(store, 'own-1', Date.now());
    panel = await suite.open(store);
    const { page } = panel;
    await rowsLoaded(page);

    // Scroll up to row 300 and read what is on screen.
    await page.$eval(
      '.fx-viewport',
      (el, top) => {
        el.scrollTop = top;
      },
      300 * ROW_HEIGHT,
    );
    await page.waitForFunction(() => document.querySelector('.fx-row[data-index="300"]:not(.placeholder)') !== null);
    await rowsLoaded(page);
    const before = await shownRows(page);
    assert.equal(await page.getAttribute('[data-testid=follow]', 'aria-pressed'), 'false');

    // 150 new frames evict the 150 oldest (capacity 1000): the same frames stay at the same place.
    for (let n = 1000; store.lastId < 1150; n++) round(push, n);
    await once(store, 'append');
    const removed = store.firstId - 1;
    assert.ok(removed >= 150);
    await panel.delivered((m) => m.type === 'changed' && m.removed > 0);
    await panel.settled();
    await rowsLoaded(page);
    const after = await shownRows(page);
    assert.deepEqual(
      after.map((r) => [r.id, r.top]),
      before.map((r) => [r.id, r.top]),
      'no jump',
    );
    assert.equal(after[0].index, 300 - removed);

    // At the bottom, new frames scroll into view.
    await page.focus('.fx-list');
    await page.keyboard.press('End');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=follow]')?.getAttribute('aria-pressed') === 'true',
    );
    push('in', '<message xmlns="jabber:client"><body>newest</body></message>');
    const lastId = store.lastId;
    await once(store, 'append');
    await panel.delivered((m) => m.type === 'changed' && m.counts.total === store.size && m.appended > 0);
    await panel.settled();
    await page.waitForFunction((id) => document.querySelector(`.fx-row[data-id="${id}"]`) !== null, lastId);
    await rowsLoaded(page);
    const bottom = await shownRows(page);
    assert.equal(bottom.at(-1)?.id, lastId);
  });

  it('keyboard: arrows, PageDown, Home/End select; Enter opens the detail; Ctrl+F and / focus the filter; Esc clears', async () => {
    const store = realisticStore(500);
    panel = await suite.open(store, { viewport: { width: 1100, height: 700 } });
    const { page } = panel;
    await rowsLoaded(page);
    await page.focus('.fx-list');
    const selected = () =>
      page.$eval('.fx-list', (el) => {
        const row = document.getElementById(el.getAttribute('aria-activedescendant') ?? '');
        return row
          ? { index: Number(row.getAttribute('data-index')), selected: row.getAttribute('aria-selected') }
          : undefined;
      });
    await page.keyboard.press('Home');
    assert.deepEqual(await selected(), { index: 0, selected: 'true' });
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal((await selected())?.index, 2);
    await page.keyboard.press('ArrowUp');
    assert.equal((await selected())?.index, 1);
    await page.keyboard.press('PageDown');
    const afterPage = (await selected())?.index ?? 0;
    assert.ok(afterPage > 10, `PageDown moves a screen (${afterPage})`);
    await page.keyboard.press('End');
    assert.equal((await selected())?.index, 499);

    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=detail]:visible');
    await page.waitForFunction(
      (id) => document.querySelector('[data-testid=detail-heading]')?.textContent?.startsWith(`#${id}`),
      store.lastId,
    );
    assert.equal(panel.selected.at(-1)?.id, store.lastId, 'the host was told (Stanza tree)');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=detail]', { state: 'hidden' });

    await page.keyboard.press('Control+f');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'filter');
    await page.keyboard.type('dir:in');
    await page.keyboard.press('Enter');
    await waitForCount(page, `${[...store].filter((f) => f.dir === 'in').length} of 500 frames`);
    await page.keyboard.press('Escape');
    await waitForCount(page, '500 frames');
    await page.focus('.fx-list');
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'filter');
  });

  it('detail: raw with the SASL payload masked until Reveal, pretty XML, the decoded Update, parse errors, copy via the host', async () => {
    const store = new FrameStore();
    const push = pusher(store);
    login(push, 'hunter2-secret');
    round(push, 1);
    push('in', '<message xmlns="jabber:client"><body>cut off');
    panel = await suite.open(store);
    const { page } = panel;
    await rowsLoaded(page);
    const body = () => page.textContent('[data-testid=detail-body]').then((t) => t ?? '');

    const auth = [...store].find((f) => f.raw.includes('mechanism="PLAIN"'));
    assert.ok(auth);
    assert.ok(panel.host.reveal(auth.id));
    await page.waitForFunction(
      (id) => document.querySelector('[data-testid=detail-heading]')?.textContent?.startsWith(`#${id}`),
      auth.id,
    );
    await page.click('[data-tab=raw]');
    assert.match(await body(), /\[redacted\]/);
    assert.ok(!(await body()).includes(plainPayload('agent1', 'hunter2-secret')));
    const maskedCopy = panel.received((m) => m.type === 'copy');
    await page.click('[data-testid=copy]');
    await maskedCopy;
    assert.match(panel.copied[0], /\[redacted\]/, 'copy of the masked view stays masked');
    await page.click('[data-testid=reveal]');
    await page.waitForFunction(
      (payload) => document.querySelector('[data-testid=detail-body]')?.textContent?.includes(payload),
      plainPayload('agent1', 'hunter2-secret'),
    );
    assert.equal(await page.isVisible('[data-testid=reveal]'), false);
    const revealedCopy = panel.received((m) => m.type === 'copy');
    await page.click('[data-testid=copy]');
    await revealedCopy;
    assert.ok(
      panel.copied[1].includes(plainPayload('agent1', 'hunter2-secret')),
      'after Reveal, copy is what is shown',
    );

    const update = [...store].find(
      (f) => frameView(f).finesse?.state === 'NOT_READY' && frameView(f).finesse?.node === '/finesse/api/User/agent1',
    );
    assert.ok(update);
    assert.ok(panel.host.reveal(update.id));
    await page.waitForFunction(
      (id) => document.querySelector('[data-testid=detail-heading]')?.textContent?.startsWith(`#${id}`),
      update.id,
    );
    assert.match((await page.textContent('[data-testid=detail-heading]')) ?? '', /User agent1 PUT → NOT_READY/);
    await page.click('[data-tab=update]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=detail-body]')?.getAttribute('data-tab') === 'update',
    );
    const updateText = await body();
    assert.match(updateText, /^<Update>\n {2}<data>\n {4}<user>/);
    assert.match(updateText, /<state>NOT_READY<\/state>/);
    assert.ok(await page.$('[data-testid=detail-body] .xml-tag'), 'XML is coloured');
    await page.click('[data-tab=pretty]');
    assert.match(await body(), /<notification xmlns="http:\/\/jabber.org\/protocol\/pubsub">&lt;Update&gt;/);
    await page.click('[data-tab=update]');
    const updateCopy = panel.received((m) => m.type === 'copy' && m.what === 'update');
    await page.click('[data-testid=copy]');
    await updateCopy;
    assert.equal(panel.copied.at(-1), updateText);
    assert.deepEqual(panel.fromWebview.filter((m) => m.type === 'copy').at(-1), {
      type: 'copy',
      id: update.id,
      what: 'update',
      reveal: false,
    });

    const broken = store.lastId;
    assert.ok(panel.host.reveal(broken));
    await page.waitForSelector('[data-testid=detail-error]:visible');
    assert.match((await page.textContent('[data-testid=detail-error]')) ?? '', /^Malformed frame: /);
    assert.equal(await body(), '<message xmlns="jabber:client"><body>cut off');
    const last = (await shownRows(page)).at(-1);
    assert.equal(last?.badges, 'ERR');
  });

  it('shows wire text as text: <script>, <img onerror>, <svg onload> never become elements or run', async () => {
    const store = new FrameStore();
    const push = pusher(store);
    login(push);
    const ids: number[] = [];
    for (const raw of Object.values(HOSTILE)) {
      push('in', raw);
      ids.push(store.lastId);
    }
    panel = await suite.open(store, { theme: false });
    const { page } = panel;
    await rowsLoaded(page);
    for (const id of ids) {
      assert.ok(panel.host.reveal(id));
      await page.waitForFunction(
        (i) => document.querySelector('[data-testid=detail-heading]')?.textContent?.startsWith(`#${i}`),
        id,
      );
      for (const tab of ['raw', 'pretty', 'update']) {
        if (await page.isEnabled(`[data-tab=${tab}]`)) await page.click(`[data-tab=${tab}]`);
      }
      await page.hover(`.fx-row[data-id="${id}"]`);
    }
    const summaries = (await shownRows(page)).map((r) => r.summary).join('\n');
    assert.ok(
      summaries.includes('<img src=x onerror="window.__pwned = \'img\'">'),
      'the malformed frame shows literally',
    );
    await page.click('[data-tab=raw]');
    assert.ok(
      ((await page.textContent('[data-testid=detail-body]')) ?? '').includes(`<script>window.__pwned='svg2'</script>`),
    );
    assert.equal(await page.evaluate('window.__pwned'), undefined);
    assert.equal(
      await page.$$eval(
        '#app script, #app img, #app svg, #app iframe, #app [onerror], #app [onload]',
        (els) => els.length,
      ),
      0,
    );
    assert.deepEqual(await panel.cspViolations(), [], 'nothing even tried to run');
  });

  it('offers intercept actions and host toolbar toggles when the host provides them', async () => {
    const store = realisticStore(60);
    const performed: [FrameAction, number][] = [];
    const actions: FrameActions = {
      perform: (action, id) => {
        performed.push([action, id]);
        if (action === 'forward') store.update(id, { flags: { held: false } });
      },
      available: (f) => (f.flags.held ? ['forward', 'drop', 'edit'] : ['resend']),
    };
    let paused = false;
    const listeners = new Set<() => void>();
    const toolbar: ToolbarSource = {
      toggles: (): ToolbarToggle[] => [
        { id: 'pause', label: paused ? 'Resume' : 'Pause', title: 'Hold every frame', checked: paused },
      ],
      toggle: (id) => {
        if (id === 'pause') paused = !paused;
        for (const l of listeners) l();
      },
      onDidChange: (l) => {
        listeners.add(l);
        return { dispose: () => listeners.delete(l) };
      },
    };
    panel = await suite.open(store, { actions, toolbar });
    const { page } = panel;
    await rowsLoaded(page);

    await page.click('[data-toggle=pause]');
    await page.waitForSelector('[data-toggle=pause][aria-pressed=true]');
    assert.equal(paused, true);
    assert.equal(await page.textContent('[data-toggle=pause]'), 'Resume');

    const held = store.lastId;
    store.update(held, { flags: { held: true } });
    await panel.delivered((m) => m.type === 'updated' && m.rows.some((r) => r.row.id === held));
    await page.waitForFunction(
      (id) => document.querySelector(`.fx-row[data-id="${id}"] .fx-badges`)?.textContent === 'HELD',
      held,
    );
    assert.ok(panel.host.reveal(held));
    await page.waitForSelector('[data-action=forward]');
    assert.deepEqual(
      await page.$$eval('[data-testid=actions] button', (bs) => bs.map((b) => b.getAttribute('data-action'))),
      ['forward', 'drop', 'edit'],
    );
    const action = panel.received((m) => m.type === 'action');
    await page.click('[data-action=forward]');
    await action;
    await Promise.resolve();
    assert.deepEqual(performed, [['forward', held]]);
    // Released: the row loses its badge and the detail offers what applies now.
    await page.waitForFunction(
      (id) => document.querySelector(`.fx-row[data-id="${id}"] .fx-badges`)?.textContent === '',
      held,
    );
    await page.waitForSelector('[data-action=resend]');
  });

  it('restores the filter and the selection after the webview is reloaded (serializer state)', async () => {
    const store = realisticStore(200);
    panel = await suite.open(store);
    const { page } = panel;
    await rowsLoaded(page);
    await filterBy(page, 'dir:out');
    const outCount = [...store].filter((f) => f.dir === 'out').length;
    await waitForCount(page, `${outCount} of 200 frames`);
    await rowsLoaded(page);
    const target = (await shownRows(page))[2];
    const selected = panel.received((m) => m.type === 'select' && m.id === target.id);
    await page.click(`.fx-row[data-id="${target.id}"]`);
    await selected;
    assert.equal(panel.selected.at(-1)?.id, target.id);

    await page.reload();
    await waitForCount(page, `${outCount} of 200 frames`);
    assert.equal(await page.inputValue('[data-testid=filter]'), 'dir:out');
    await page.waitForFunction(
      (id) => document.querySelector(`.fx-row[data-id="${id}"]`)?.getAttribute('aria-selected') === 'true',
      target.id,
    );
    await page.waitForFunction(
      (id) => document.querySelector('[data-testid=detail-heading]')?.textContent?.startsWith(`#${id}`),
      target.id,
    );
  });

  it('read-only (saved session): starts at the top, no Clear, no actions; Clear on a live store empties the list', async () => {
    const store = realisticStore(120);
    const performed: number[] = [];
    panel = await suite.open(store, { readOnly: true, actions: { perform: (_a, id) => void performed.push(id) } });
    let page = panel.page;
    await rowsLoaded(page);
    assert.equal((await shownRows(page))[0].id, store.firstId);
    assert.equal(await page.isVisible('[data-testid=clear]'), false);
    assert.equal(await page.isVisible('[data-testid=follow]'), false, 'nothing arrives in a saved session to follow');
    await page.click('.fx-row >> nth=0');
    await page.waitForSelector('[data-testid=detail]:visible');
    assert.equal(await page.$$eval('[data-testid=actions] button', (bs) => bs.length), 0);
    await panel.close();

    panel = await suite.open(store);
    page = panel.page;
    await rowsLoaded(page);
    assert.equal(await page.isVisible('[data-testid=follow]'), true);
    await page.click('[data-testid=clear]');
    await waitForCount(page, '0 frames');
    assert.equal(store.size, 0);
    assert.equal(await page.textContent('.fx-empty'), 'No frames yet');
    assert.deepEqual(performed, []);
  });
});
