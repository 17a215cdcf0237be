// Hub frames of the gadget desktop in the frames panel (built webview in Chromium, real
// FramesHost over a real FrameStore): the row says topic, publisher and receivers with the relayed
// Update's label; the detail shows the publish, a link that selects the XMPP Update it relays, the
// payload as JSON and the Update decoded; wire text in a hub record stays text.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { FrameStore } from '../../src/core/capture/frameStore';
import { eventMessage, userUpdate } from '../../src/core/finesse/builders';
import { nodes } from '../../src/core/finesse/nodes';
import { hubPublish, relayedUpdate } from '../support/hubFrames';
import { PanelPage, panelSuite } from './harness';

/** A fixed capture time: nothing here reads the clock. */
const T0 = Date.UTC(2026, 0, 15, 9, 30);
const agent = { id: '1001', loginName: 'agent1001' };

/**
 * A gadget's REST call, the desktop's XMPP Update it caused, the hub publish relaying that
 * Update, and a gadget's own publish with hostile text.
 */
function desktopCapture(): { store: FrameStore; put: number; xmpp: number; relayed: number; hostile: number } {
  const store = new FrameStore();
  const node = nodes.user('1001');
  const put = store.append({
    session: 'desktop-rest',
    dir: 'out',
    kind: 'http',
    t: T0 - 30,
    raw: 'PUT /finesse/api/User/1001 HTTP/1.1\nrequestId: r-42\n\n<User><state>READY</state></User>',
  }).id;
  const update = userUpdate(agent, 'READY', { requestId: 'r-42', t: T0 });
  const xmpp = store.append({
    session: 'desktop-xmpp',
    dir: 'in',
    kind: 'stanza',
    t: T0,
    raw: eventMessage({
      from: 'pubsub.finesse.test',
      to: '1001@finesse.test/desktop',
      node,
      itemId: 'i1',
      updateXml: update,
    }),
  }).id;
  const relayed = store.append({
    session: 'desktop-hub',
    dir: 'in',
    kind: 'hub',
    t: T0 + 1.5,
    raw: relayedUpdate(node, update, { causedBy: xmpp }),
  }).id;
  const hostile = store.append({
    session: 'desktop-hub',
    dir: 'out',
    kind: 'hub',
    t: T0 + 20,
    raw: hubPublish('acme.<img src=x onerror=window.__pwned=1>', '3 <b>Team</b> gadget', [], {
      html: '<script>window.__pwned=2</script>',
    }),
  }).id;
  return { store, put, xmpp, relayed, hostile };
}

async function rowsLoaded(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      document.querySelectorAll('.fx-row:not([hidden])').length > 0 &&
      !document.querySelector('.fx-row.placeholder:not([hidden])'),
  );
}

async function openDetail(page: Page, id: number): Promise<void> {
  await page.click(`.fx-row[data-id="${id}"]`);
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid=detail-heading]')?.textContent?.startsWith(`#${want}`),
    id,
  );
}

const text = (page: Page, selector: string) => page.textContent(selector).then((t) => t ?? '');

describe('frames panel: hub frames of the gadget desktop (Chromium)', function () {
  const suite = panelSuite();
  let panel: PanelPage | undefined;

  it('shows the publish, its payload as JSON, the relayed Update decoded, and selects the XMPP Update from its link', async () => {
    const { store, put, xmpp, relayed } = desktopCapture();
    panel = await suite.open(store, { readOnly: true, viewport: { width: 1300, height: 760 } });
    const { page } = panel;
    await rowsLoaded(page);
    assert.equal(await text(page, `.fx-row[data-id="${relayed}"] .fx-col-kind`), 'hub');
    assert.equal(
      await text(page, `.fx-row[data-id="${relayed}"] .fx-summary-text`),
      'hub finesse.api.User.1001 desktop → 2 gadgets',
    );
    // Caused by the REST call that caused the XMPP Update it relays.
    assert.equal(await text(page, `.fx-row[data-id="${relayed}"] .fx-col-event`), `User 1001 PUT → READY ← #${put}`);

    await openDetail(page, relayed);
    assert.equal(await text(page, '[data-testid=hub-topic]'), 'finesse.api.User.1001');
    assert.equal(await text(page, '[data-testid=hub-from]'), 'desktop');
    assert.equal(await text(page, '[data-testid=hub-to]'), '1 Sample Gadget, 2 Team Gadget');
    assert.equal(await text(page, '[data-testid=hub-caused-by]'), `#${xmpp}`);

    await page.click('[data-tab=pretty]');
    assert.equal(await text(page, '[data-tab=pretty]'), 'JSON');
    const json = await text(page, '[data-testid=detail-body]');
    assert.match(json, /^\{\n {2}"content": "\/finesse\/api\/User\/1001<Update>/);
    assert.deepEqual(Object.keys(JSON.parse(json)), ['content', 'object'], 'the payload, indented, parses back');

    await page.click('[data-tab=update]');
    const decoded = await text(page, '[data-testid=detail-body]');
    assert.match(decoded, /<requestId>r-42<\/requestId>/);
    assert.match(decoded, /\n {2}<data>/, 'the Update is pretty-printed as for an XMPP frame');
    assert.equal(await text(page, '.fx-detail-note'), 'User 1001 PUT → READY');

    // Copy of the JSON tab is the indented payload.
    await page.click('[data-tab=pretty]');
    const copy = panel.received((m) => m.type === 'copy');
    await page.click('[data-testid=copy]');
    await copy;
    assert.equal(panel.copied.at(-1), json);

    // The link selects the XMPP Update; its detail has no hub part and its tab is XML again.
    await page.click('[data-testid=hub-caused-by]');
    await page.waitForFunction(
      (want) => document.querySelector('[data-testid=detail-heading]')?.textContent?.startsWith(`#${want}`),
      xmpp,
    );
    assert.equal(await page.isHidden('[data-testid=detail-hub]'), true);
    assert.equal(await text(page, '[data-tab=pretty]'), 'XML');
    assert.equal(
      await page.getAttribute(`.fx-row[data-id="${xmpp}"]`, 'aria-selected'),
      'true',
      'the row of the XMPP Update is selected',
    );
    assert.equal(panel.selected.at(-1)?.id, xmpp);
    assert.deepEqual(await panel.cspViolations(), []);
  });

  it('says so when the frame a link names is filtered out, and the selection stays', async () => {
    const { store, xmpp, relayed } = desktopCapture();
    panel = await suite.open(store, { viewport: { width: 1300, height: 600 } });
    const { page } = panel;
    await rowsLoaded(page);
    await page.fill('[data-testid=filter]', 'kind:hub');
    await page.press('[data-testid=filter]', 'Enter');
    await page.waitForFunction(() => document.querySelectorAll('.fx-row:not([hidden]):not(.placeholder)').length === 2);
    await openDetail(page, relayed);
    await page.click('[data-testid=hub-caused-by]');
    await page.waitForFunction(
      () => (document.querySelector('[data-testid=hub-not-listed]')?.textContent ?? '') !== '',
    );
    assert.equal(
      await text(page, '[data-testid=hub-not-listed]'),
      `#${xmpp} is not in the list: the filter hides it, or it is no longer kept.`,
    );
    assert.match(await text(page, '[data-testid=detail-heading]'), new RegExp(`^#${relayed}`));
  });

  it('puts a hub record’s wire text in as text: topic, publisher and payload never become HTML', async () => {
    const { store, hostile } = desktopCapture();
    panel = await suite.open(store, { readOnly: true, viewport: { width: 1300, height: 600 } });
    const { page } = panel;
    await rowsLoaded(page);
    assert.equal(
      await text(page, `.fx-row[data-id="${hostile}"] .fx-summary-text`),
      'hub acme.<img src=x onerror=window.__pwned=1> 3 <b>Team</b> gadget → (no subscriber)',
    );
    await openDetail(page, hostile);
    assert.equal(await text(page, '[data-testid=hub-topic]'), 'acme.<img src=x onerror=window.__pwned=1>');
    assert.equal(await text(page, '[data-testid=hub-from]'), '3 <b>Team</b> gadget');
    assert.equal(await text(page, '[data-testid=hub-to]'), '(no subscriber)');
    assert.equal(await page.isHidden('[data-testid=hub-caused-by]'), true, 'a gadget’s publish relays nothing');
    await page.click('[data-tab=pretty]');
    assert.match(await text(page, '[data-testid=detail-body]'), /"html": "<script>window.__pwned=2<\/script>"/);
    assert.equal(await page.locator('.fx-detail img, .fx-detail b, .fx-detail script, .fx-row img').count(), 0);
    assert.equal(await page.evaluate('window.__pwned'), undefined);
    assert.equal(await page.isDisabled('[data-tab=update]'), true, 'no Update to decode');
  });
});
