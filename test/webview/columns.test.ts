// The list's columns, search and counter in the built webview (Chromium) over real FrameStores:
// sorting by a header, dragging a column edge (kept through the host), search highlights in rows
// and the detail pane, filter errors over an empty list, "N of M" while frames arrive, Finesse
// apiErrors as errors, and the relative time column.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { PanelPage, panelSuite } from './harness';
import { AGENT, DOMAIN, JID, pusher, realisticStore } from './fixtures';
import { FrameStore } from '../../src/core/capture/frameStore';
import { apiErrorUpdate, eventMessage } from '../../src/core/finesse/builders';
import { nodes } from '../../src/core/finesse/nodes';
import type { ColumnPrefs } from '../../src/protocol/messages';

interface Shown {
  index: number;
  id: number;
  size: string;
  summary: string;
  event: string;
  time: string;
  eventMarks: string[];
  summaryMarks: string[];
  apiError: boolean;
  session: string;
}

function shown(page: Page): Promise<Shown[]> {
  return page.$$eval('.fx-row:not([hidden]):not(.placeholder)', (els) => {
    const vp = (document.querySelector('.fx-viewport') as HTMLElement).getBoundingClientRect();
    return els
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.bottom > vp.top + 1 && r.top < vp.bottom - 1;
      })
      .map((el) => ({
        index: Number(el.getAttribute('data-index')),
        id: Number(el.getAttribute('data-id')),
        size: el.querySelector('.fx-col-size')?.textContent ?? '',
        summary: el.querySelector('.fx-summary-text')?.textContent ?? '',
        event: el.querySelector('.fx-col-event')?.textContent ?? '',
        time: el.querySelector('.fx-col-time')?.textContent ?? '',
        eventMarks: [...el.querySelectorAll('.fx-col-event mark')].map((m) => m.textContent ?? ''),
        summaryMarks: [...el.querySelectorAll('.fx-summary-text mark')].map((m) => m.textContent ?? ''),
        apiError: el.classList.contains('api-error'),
        session: el.querySelector('.fx-col-session')?.textContent ?? '',
      }))
      .sort((a, b) => a.index - b.index);
  });
}

async function rowsLoaded(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      document.querySelectorAll('.fx-row:not([hidden])').length > 0 &&
      !document.querySelector('.fx-row.placeholder:not([hidden])'),
  );
}

async function waitForCount(page: Page, text: string): Promise<void> {
  await page.waitForFunction((t) => document.querySelector('[data-testid=count]')?.textContent === t, text);
}

async function filterBy(page: Page, text: string): Promise<void> {
  await page.fill('[data-testid=filter]', text);
  await page.press('[data-testid=filter]', 'Enter');
}

describe('frames panel columns, search and counter (Chromium)', function () {
  this.timeout(120_000);
  const suite = panelSuite();
  let panel: PanelPage | undefined;

  it('sorts by a column header: size descending, ascending, then capture order again', async () => {
    const store = realisticStore(500);
    panel = await suite.open(store);
    const { page } = panel;
    await rowsLoaded(page);
    const bySizeDesc = [...store].sort((a, b) => b.bytes - a.bytes || a.id - b.id).map((f) => f.id);

    await page.click('.fx-header .fx-col-size');
    await page.waitForSelector('.fx-header .fx-col-size[aria-sort=ascending]');
    await page.click('.fx-header .fx-col-size');
    await page.waitForSelector('.fx-header .fx-col-size[aria-sort=descending]');
    await page.focus('.fx-list');
    await page.keyboard.press('Home');
    await page.waitForFunction(() => document.querySelector('.fx-row[data-index="0"]:not(.placeholder)') !== null);
    await rowsLoaded(page);
    const rows = await shown(page);
    assert.equal(rows[0].index, 0);
    assert.deepEqual(
      rows.map((r) => r.id),
      bySizeDesc.slice(0, rows.length),
      'the largest frames first, equal sizes in capture order',
    );
    assert.ok(
      panel.fromWebview.some((m) => m.type === 'setSort' && m.sort?.key === 'size' && m.sort.descending),
      'the host sorted',
    );

    await page.click('.fx-header .fx-col-size');
    await page.waitForSelector('.fx-header .fx-col-size[aria-sort=none]');
    await page.keyboard.press('Home');
    await page.waitForFunction(
      (first) => document.querySelector(`.fx-row[data-index="0"][data-id="${first}"]`) !== null,
      store.firstId,
    );
  });

  it('a sorted view stays sorted while frames arrive', async () => {
    const store = realisticStore(200);
    const push = pusher(store, 'own-1', Date.now());
    panel = await suite.open(store, { noticeMs: 5 });
    const { page } = panel;
    await rowsLoaded(page);
    await page.click('.fx-header .fx-col-size');
    await page.click('.fx-header .fx-col-size');
    await page.waitForSelector('.fx-header .fx-col-size[aria-sort=descending]');
    const big = `<message xmlns="jabber:client"><body>${'x'.repeat(20_000)}</body></message>`;
    push('in', big);
    await waitForCount(panel.page, '201 frames');
    await page.focus('.fx-list');
    await page.keyboard.press('Home');
    await page.waitForFunction(
      (id) => document.querySelector(`.fx-row[data-index="0"][data-id="${id}"]`) !== null,
      store.lastId,
    );
  });

  it('resizes a column by dragging its header edge; the width goes to the host and comes back', async () => {
    const store = realisticStore(100);
    const saved: ColumnPrefs[] = [];
    panel = await suite.open(store, { columns: { get: () => saved.at(-1), set: (p) => saved.push(p) } });
    const { page } = panel;
    await rowsLoaded(page);
    const width = () =>
      page.$eval('.fx-row:not([hidden]) .fx-col-kind', (el) => Math.round(el.getBoundingClientRect().width));
    const before = await width();
    const grip = await page.$('.fx-header .fx-col-kind .fx-resize');
    const box = (await grip!.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2, { steps: 4 });
    const sent = panel.received((m) => m.type === 'columns');
    await page.mouse.up();
    await sent;
    const after = await width();
    assert.ok(Math.abs(after - (before + 60)) <= 2, `kind column ${before} → ${after}px`);
    assert.equal(
      await page.$eval('.fx-header .fx-col-kind', (el) => el.getAttribute('aria-sort')),
      'none',
      'dragging the edge does not sort',
    );
    assert.equal(saved.at(-1)?.widths?.kind, after);

    // A new panel in the same workspace starts with the saved width.
    await panel.close();
    panel = await suite.open(store, { columns: { get: () => saved.at(-1), set: (p) => saved.push(p) } });
    await rowsLoaded(panel.page);
    const reopened = await panel.page.$eval('.fx-row:not([hidden]) .fx-col-kind', (el) =>
      Math.round(el.getBoundingClientRect().width),
    );
    assert.equal(reopened, after);
  });

  it('highlights search matches in the rows and in the detail pane', async () => {
    const store = realisticStore(300);
    panel = await suite.open(store);
    const { page } = panel;
    await rowsLoaded(page);
    await filterBy(page, 'ALERTING /agent\\d/');
    await page.waitForFunction(() => document.querySelector('.fx-row:not([hidden]) .fx-col-event mark') !== null);
    await rowsLoaded(page);
    const rows = await shown(page);
    assert.ok(rows.length > 0);
    for (const r of rows) {
      assert.ok(r.eventMarks.includes('ALERTING'), `ALERTING marked in ${r.event}`);
      assert.ok(r.eventMarks.includes('agent1'), `the regex match marked in ${r.event}`);
    }
    await page.click('.fx-row:not([hidden]) .fx-col-summary');
    await page.waitForSelector('[data-testid=detail-body] mark');
    await page.click('[data-tab=raw]');
    await page.waitForSelector('[data-testid=detail-body][data-tab=raw] mark');
    const marks = await page.$$eval('[data-testid=detail-body] mark', (els) => els.map((e) => e.textContent));
    assert.ok(marks.includes('ALERTING'), `raw text marks: ${marks.join(', ')}`);
    const body = await page.textContent('[data-testid=detail-body]');
    const frame = store.get(rows[0].id)!;
    // Marks only wrap the text: what the pane shows is still exactly the frame.
    assert.equal(body, frame.raw);
    assert.equal(await page.$eval('mark', (m) => m.children.length), 0);
  });

  it('an unknown key or a bad regex shows its error over an empty list; "N of M" keeps counting', async () => {
    const store = realisticStore(300);
    const push = pusher(store, 'own-1', Date.now());
    panel = await suite.open(store, { noticeMs: 5 });
    const { page } = panel;
    await rowsLoaded(page);

    await filterBy(page, 'foo:bar');
    await page.waitForSelector('[data-testid=filter-error]:visible');
    const message = (await page.textContent('[data-testid=filter-error]')) ?? '';
    assert.match(message, /Unknown filter key "foo:"/);
    for (const key of ['dir:', 'kind:', 'node:', 'state:', 'event:', 'has:', 'is:', 'session:'])
      assert.ok(message.includes(key), `lists ${key}`);
    await waitForCount(page, '0 of 300 frames');
    assert.equal((await shown(page)).length, 0);
    assert.match((await page.textContent('.fx-empty')) ?? '', /filter has an error/);

    await filterBy(page, '/(a+)+$/');
    // Valid for the linear-time engine, and answered at once although it backtracks in JavaScript.
    await page.waitForSelector('[data-testid=filter-error]', { state: 'hidden' });
    await waitForCount(page, '0 of 300 frames');

    await filterBy(page, 'dir:out kind:open');
    const opens = [...store].filter((f) => f.dir === 'out' && f.kind === 'open').length;
    await waitForCount(page, `${opens} of 300 frames`);
    // Frames the filter hides still count in M.
    for (let i = 0; i < 5; i++) push('in', '<presence xmlns="jabber:client"/>');
    await waitForCount(page, `${opens} of 305 frames`);
    push('out', '<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="finesse.test" version="1.0"/>', 'open');
    await waitForCount(page, `${opens + 1} of 306 frames`);
  });

  it('shows a Finesse apiErrors Update as an error, with ErrorType and ErrorMessage in the detail', async () => {
    const store = new FrameStore();
    const push = pusher(store);
    push(
      'in',
      eventMessage({
        from: `pubsub.${DOMAIN}`,
        to: JID,
        node: nodes.user(AGENT.id),
        itemId: 'err-1',
        updateXml: apiErrorUpdate(AGENT, 'req-7'),
      }),
    );
    panel = await suite.open(store);
    const { page } = panel;
    await rowsLoaded(page);
    const [row] = await shown(page);
    assert.equal(row.event, 'apiError · Invalid State — Cannot change state to READY from TALKING');
    assert.equal(row.apiError, true);
    assert.equal(row.summary, 'message event · item err-1', 'the item id tells id-less event messages apart');
    const colour = await page.$eval('.fx-row .fx-col-event', (el) => getComputedStyle(el).color);
    const link = await page.evaluate(() => {
      const probe = document.createElement('span');
      probe.style.color = 'var(--vscode-errorForeground)';
      document.body.append(probe);
      const c = getComputedStyle(probe).color;
      probe.remove();
      return c;
    });
    assert.equal(colour, link, 'in the theme error colour');
    await page.click('.fx-row .fx-col-summary');
    await page.waitForSelector('[data-testid=detail-api-error]:visible');
    assert.equal(
      await page.textContent('[data-testid=detail-api-error]'),
      'apiError · Invalid State — Cannot change state to READY from TALKING',
    );
  });

  it('shows time since the previous row or the session start, and an optional Session column', async () => {
    const store = new FrameStore();
    const push = pusher(store, 'proxy-7', 1_000_000);
    for (let i = 0; i < 5; i++)
      push('out', `<presence xmlns="jabber:client"><status>${'x'.repeat(i * 10)}</status></presence>`);
    const frames = [...store];
    panel = await suite.open(store);
    const { page } = panel;
    await rowsLoaded(page);
    await page.selectOption('[data-testid=time-mode]', 'previous');
    await page.waitForFunction(
      () => document.querySelector('.fx-row[data-index="0"] .fx-col-time')?.textContent === '+0 ms',
    );
    let rows = await shown(page);
    const gap = frames[1].t - frames[0].t;
    assert.equal(rows[1].time, `+${gap} ms`);
    await page.selectOption('[data-testid=time-mode]', 'start');
    await page.waitForFunction(
      () => document.querySelector('.fx-row[data-index="0"] .fx-col-time')?.textContent === '0.000 s',
    );
    rows = await shown(page);
    assert.equal(rows[4].time, `${((frames[4].t - frames[0].t) / 1000).toFixed(3)} s`);

    assert.equal(await page.isVisible('.fx-row .fx-col-session'), false);
    await page.check('[data-testid=session-column]');
    await page.waitForSelector('.fx-row .fx-col-session:visible');
    rows = await shown(page);
    assert.equal(rows[0].session, 'proxy-7');
    const saved = panel.fromWebview.filter((m) => m.type === 'columns').at(-1);
    assert.deepEqual(
      saved && saved.type === 'columns' && { time: saved.columns.time, session: saved.columns.session },
      { time: 'start', session: true },
    );
  });

  it('the Session column names the agent’s JID (or the proxied client) and follows a bound JID', async () => {
    const store = new FrameStore();
    store.openSession({ id: 'client-2-5ab12c', label: JID.split('/')[0], started: 1_000_000 });
    store.openSession({ id: 'proxy-3', label: 'proxy 127.0.0.1:53122', started: 1_000_000 });
    const own = pusher(store, 'client-2-5ab12c', 1_000_000);
    const proxied = pusher(store, 'proxy-3', 1_000_500);
    for (let i = 0; i < 3; i++) {
      own('out', `<presence xmlns="jabber:client"><status>own ${i}</status></presence>`);
      proxied('out', `<presence xmlns="jabber:client"><status>proxied ${i}</status></presence>`);
    }
    panel = await suite.open(store, { columns: { get: () => ({ session: true }), set: () => undefined } });
    const { page } = panel;
    await rowsLoaded(page);
    await page.waitForSelector('.fx-row .fx-col-session:visible');
    let rows = await shown(page);
    assert.deepEqual(
      [...new Set(rows.map((r) => r.session))].sort(),
      [JID.split('/')[0], 'proxy 127.0.0.1:53122'].sort(),
    );
    const title = await page.getAttribute('.fx-row[data-index="0"] .fx-col-session', 'title');
    assert.match(title ?? '', /\(session (client-2-5ab12c|proxy-3)\)$/);
    // The proxied client bound its JID: the rows already shown say so.
    store.openSession({ ...store.sessions.get('proxy-3')!, label: `agent2@${DOMAIN}/desktop` });
    await page.waitForFunction(
      (jid) => [...document.querySelectorAll('.fx-col-session')].some((c) => c.textContent === jid),
      `agent2@${DOMAIN}/desktop`,
    );
    rows = await shown(page);
    assert.ok(!rows.some((r) => r.session.startsWith('proxy')), JSON.stringify(rows.map((r) => r.session)));
  });

  it('a sort shows the top of the new order, or keeps the selected row in view; it stops following', async () => {
    const store = realisticStore(500);
    panel = await suite.open(store);
    const { page } = panel;
    await rowsLoaded(page);
    // A live capture opens following its newest frame, at the bottom.
    assert.equal(await page.getAttribute('[data-testid=follow]', 'aria-pressed'), 'true');
    const top = () => page.$eval('.fx-viewport', (v) => v.scrollTop);
    assert.ok((await top()) > 0);
    await page.click('.fx-header .fx-col-size');
    await page.waitForSelector('.fx-header .fx-col-size[aria-sort=ascending]');
    await page.waitForFunction(() => document.querySelector('.fx-row[data-index="0"]:not(.placeholder)') !== null);
    assert.equal(await top(), 0);
    assert.equal(await page.getAttribute('[data-testid=follow]', 'aria-pressed'), 'false');

    // A selected row stays in view through the next sort (it moves to another place in the order).
    const target = (await shown(page))[3];
    await page.click(`.fx-row[data-index="${target.index}"]`);
    await page.waitForSelector(`.fx-row.selected[data-id="${target.id}"]`);
    await page.click('.fx-header .fx-col-size');
    await page.waitForSelector('.fx-header .fx-col-size[aria-sort=descending]');
    await page.waitForFunction((id) => {
      const row = document.querySelector(`.fx-row.selected[data-id="${id}"]:not([hidden])`);
      const vp = document.querySelector('.fx-viewport')!.getBoundingClientRect();
      const r = row?.getBoundingClientRect();
      return !!r && r.top >= vp.top && r.bottom <= vp.bottom;
    }, target.id);
  });

  it('a filter error pushes the list down instead of covering the column headers', async () => {
    const store = realisticStore(100);
    panel = await suite.open(store, { viewport: { width: 900, height: 600 } });
    const { page } = panel;
    await rowsLoaded(page);
    const before = (await page.locator('.fx-header').boundingBox())!;
    await filterBy(page, 'foo:bar');
    await page.waitForSelector('[data-testid=filter-error]:visible');
    const error = (await page.locator('[data-testid=filter-error]').boundingBox())!;
    const header = (await page.locator('.fx-header').boundingBox())!;
    assert.ok(
      error.y + error.height <= header.y + 0.5,
      `error ${JSON.stringify(error)} over header ${JSON.stringify(header)}`,
    );
    assert.ok(header.y > before.y, 'the headers moved down to make room');
    // The whole message fits the panel's width (it wraps instead of running off the edge).
    assert.ok(error.x + error.width <= 900, JSON.stringify(error));
  });

  it('stars and comments a frame from the detail pane; the row shows the star, the store keeps both', async () => {
    const store = realisticStore(60);
    panel = await suite.open(store);
    const { page } = panel;
    await rowsLoaded(page);
    await page.click('.fx-row:not([hidden]) .fx-col-summary');
    await page.waitForSelector('[data-testid=star]:visible');
    const id = Number(await page.getAttribute('.fx-row.selected', 'data-id'));
    await page.click('[data-testid=star]');
    await page.waitForFunction(
      (i) => document.querySelector(`.fx-row[data-id="${i}"] .fx-star`)?.textContent === '★',
      id,
    );
    assert.deepEqual(store.get(id)?.note, { starred: true });
    await page.fill('[data-testid=note]', 'the READY that came too early');
    const sent = panel.received((m) => m.type === 'note' && m.note.text === 'the READY that came too early');
    await page.press('[data-testid=note]', 'Enter');
    await sent;
    assert.deepEqual(store.get(id)?.note, { starred: true, text: 'the READY that came too early' });
    await page.waitForFunction(
      (i) => (document.querySelector(`.fx-row[data-id="${i}"]`) as HTMLElement | null)?.title.includes('too early'),
      id,
    );
    await filterBy(page, 'is:starred');
    await waitForCount(page, '1 of 60 frames');

    // A saved session's viewer shows notes but does not change them.
    await panel.close();
    panel = await suite.open(store, { readOnly: true });
    await rowsLoaded(panel.page);
    await panel.page.click(`.fx-row[data-id="${id}"] .fx-col-summary`);
    await panel.page.waitForSelector('[data-testid=note]:visible');
    assert.equal(await panel.page.inputValue('[data-testid=note]'), 'the READY that came too early');
    assert.equal(await panel.page.$eval('[data-testid=star]', (b) => (b as HTMLButtonElement).disabled), true);
  });
});
