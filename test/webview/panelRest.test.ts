// REST calls in the frames panel (built webview in Chromium, real FramesHost): a call's row reads
// `PUT User/agent1 → 202 · READY in 40 ms`, selecting it highlights its response and the
// Updates it caused (and selecting an Update highlights its call), the detail shows the exchange.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { agentDay, CaptureWriter } from '../support/agentDay';
import { apiErrorUpdate, userUpdate } from '../../src/core/finesse/builders';
import { nodes } from '../../src/core/finesse/nodes';
import { frameView } from '../../src/core/capture/frameView';
import type { FromWebview } from '../../src/protocol/messages';
import { PanelPage, panelSuite } from './harness';

async function rowsLoaded(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      document.querySelectorAll('.fx-row:not([hidden])').length > 0 &&
      !document.querySelector('.fx-row.placeholder:not([hidden])'),
  );
}

const rowText = (page: Page, id: number) => page.textContent(`.fx-row[data-id="${id}"] .fx-col-event`);
const linkedIds = (page: Page) =>
  page.$$eval('.fx-row.linked', (els) => els.map((e) => Number(e.getAttribute('data-id'))).sort((a, b) => a - b));

describe('frames panel: REST calls and their Updates (Chromium)', function () {
  const suite = panelSuite();
  let panel: PanelPage | undefined;

  it('reads each call with its outcome and latency, and links it with its Updates both ways', async () => {
    const day = agentDay();
    const frames = [...day.store];
    const ready = frames.find((f) => f.kind === 'http' && f.dir === 'out' && f.raw.includes('requestId: ready-1'))!;
    const response = frames.find((f) => f.answers === ready.id)!;
    const readyUpdate = frames.find((f) => frameView(f).finesse?.requestId === 'ready-1')!;
    const bad = frames.find((f) => f.kind === 'http' && f.raw.includes('requestId: bad-1'))!;
    panel = await suite.open(day.store, { readOnly: true, viewport: { width: 1400, height: 900 } });
    const { page } = panel;
    await rowsLoaded(page);
    assert.equal(await rowText(page, ready.id), 'PUT User/agent1 → 202 · READY in 40 ms');
    assert.equal(await rowText(page, response.id), `← PUT User/agent1 #${ready.id}`);
    assert.equal(await rowText(page, readyUpdate.id), `User agent1 PUT → READY ← #${ready.id}`);
    assert.equal(await rowText(page, bad.id), 'PUT User/agent1 → 400 · apiErrors Invalid State in 40 ms');
    assert.equal(
      await page.textContent(`.fx-row[data-id="${ready.id}"] .fx-summary-text`),
      'PUT /finesse/api/User/agent1',
    );

    await page.click(`.fx-row[data-id="${ready.id}"]`);
    await page.waitForSelector('.fx-row.linked');
    assert.deepEqual(await linkedIds(page), [response.id, readyUpdate.id]);
    await page.click(`.fx-row[data-id="${readyUpdate.id}"]`);
    await page.waitForFunction(
      (id) => document.querySelector(`.fx-row[data-id="${id}"]`)?.classList.contains('linked'),
      ready.id,
    );
    assert.deepEqual(await linkedIds(page), [ready.id, response.id]);

    // The detail of a call shows the request, the response and what it caused.
    await page.click(`.fx-row[data-id="${ready.id}"]`);
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (id) => document.querySelector('[data-testid=detail-heading]')?.textContent?.startsWith(`#${id}`),
      ready.id,
    );
    await page.click('[data-tab=pretty]');
    const body = (await page.textContent('[data-testid=detail-body]')) ?? '';
    assert.match(body, /^PUT \/finesse\/api\/User\/agent1 HTTP\/1\.1\nAuthorization: Basic \[redacted\]/);
    assert.match(body, /HTTP\/1\.1 202 Accepted/);
    assert.match(body, new RegExp(`Caused 1 Update: #${readyUpdate.id}; first after 40 ms`));
    assert.deepEqual(await page.evaluate('window.__cspViolations'), []);
  });

  it('a requestId used again minutes later links only the Updates after the new call', async () => {
    // The client sent `again-1` before the capture began (its apiErrors came in), then again 5 min later.
    const w = new CaptureWriter();
    const agent = { id: 'agent1', loginName: 'agent1' };
    const stale = w.update(nodes.user('agent1'), apiErrorUpdate(agent, 'again-1', 'Invalid State'), 0);
    w.wait(302.873);
    const put = w.rest('PUT', '/finesse/api/User/agent1', 202, '<User><state>NOT_READY</state></User>', 'again-1');
    const notReady = w.update(
      nodes.user('agent1'),
      userUpdate(agent, 'NOT_READY', { requestId: 'again-1', t: w.t }),
      11,
    );
    panel = await suite.open(w.store, { readOnly: true, viewport: { width: 1400, height: 600 } });
    const { page } = panel;
    await rowsLoaded(page);
    assert.equal(await rowText(page, put), 'PUT User/agent1 → 202 · NOT_READY in 11 ms');
    assert.equal(await rowText(page, notReady), `User agent1 PUT → NOT_READY ← #${put}`);
    assert.doesNotMatch((await rowText(page, stale)) ?? '', /←/, 'an Update older than the call is not its effect');
  });

  it('a frame revealed before the webview is ready (a timeline click opening the panel) is selected once it is', async () => {
    // Enough traffic after the Update that a following list would show only the end.
    const day = agentDay();
    for (let i = 0; i < 200; i++)
      day.store.append({ session: 'ws-1', dir: 'in', kind: 'stanza', raw: `<iq type="result" id="filler-${i}"/>` });
    const target = [...day.store].find((f) => frameView(f).finesse?.requestId === 'ready-1')!;
    let revealed: boolean | undefined;
    panel = await suite.open(day.store, {
      viewport: { width: 1400, height: 600 },
      beforeLoad: (host) => (revealed = host.reveal(target.id)),
    });
    assert.equal(revealed, true, 'the host takes the reveal before its webview is ready');
    const { page } = panel;
    await page.waitForFunction(
      (id) => document.querySelector(`.fx-row[data-id="${id}"]`)?.getAttribute('aria-selected') === 'true',
      target.id,
    );
    // The selection reached the host too (it drives the Stanza tree), and the row is on screen.
    const selectsTarget = (m: FromWebview) => m.type === 'select' && m.id === target.id;
    if (!panel.fromWebview.some(selectsTarget)) await panel.received(selectsTarget);
    assert.equal(panel.selected.at(-1)?.id, target.id);
    const box = await page.locator(`.fx-row[data-id="${target.id}"]`).boundingBox();
    assert.ok(box && box.y >= 0 && box.y + box.height <= 600, 'the selected row is scrolled into view');
  });

  it('a live call row gains its outcome when the Update arrives', async () => {
    const day = agentDay();
    panel = await suite.open(day.store, { noticeMs: 10 });
    const { page } = panel;
    await rowsLoaded(page);
    const id = day.rest('PUT', '/finesse/api/User/agent1', 202, '<User><state>NOT_READY</state></User>', 'late-1');
    await page.waitForFunction(
      (rid) =>
        document.querySelector(`.fx-row[data-id="${rid}"] .fx-col-event`)?.textContent === 'PUT User/agent1 → 202',
      id,
    );
    day.state({ id: 'agent1', loginName: 'agent1' }, 'NOT_READY', 'late-1');
    await page.waitForFunction(
      (rid) =>
        /^PUT User\/agent1 → 202 · NOT_READY in \d+ ms$/.test(
          document.querySelector(`.fx-row[data-id="${rid}"] .fx-col-event`)?.textContent ?? '',
        ),
      id,
    );
  });
});
