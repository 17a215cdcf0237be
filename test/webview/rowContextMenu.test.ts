// A right-click in the frames panel (built webview in Chromium, real FramesHost) selects the row
// the context menu acts on, as a list in VS Code does, and tells the host (the Stanza view and
// commands run from the palette follow the selection).
import assert from 'node:assert/strict';
import { FrameStore } from '../../src/core/capture/frameStore';
import { panelSuite } from './harness';

const ping = (id: string) => `<iq xmlns="jabber:client" type="get" id="${id}"><ping xmlns="urn:xmpp:ping"/></iq>`;

describe('frames panel: right-click selects the row (Chromium)', function () {
  const suite = panelSuite();

  it('selects the right-clicked row and tells the host, without opening the detail', async () => {
    const store = new FrameStore();
    const frames = ['a', 'b', 'c'].map((id) =>
      store.append({ session: 's1', dir: 'out', kind: 'stanza', raw: ping(id) }),
    );
    const panel = await suite.open(store);
    const { page } = panel;
    await page.waitForSelector(`.fx-row[data-id="${frames[2].id}"]`);
    for (const target of [frames[1], frames[0]]) {
      const selected = panel.received((m) => m.type === 'select' && m.id === target.id);
      await page.click(`.fx-row[data-id="${target.id}"]`, { button: 'right' });
      await selected;
      assert.equal(await page.getAttribute(`.fx-row[data-id="${target.id}"]`, 'aria-selected'), 'true');
      assert.equal(panel.selected.at(-1)?.id, target.id, 'the host follows the selection');
    }
    assert.equal(await page.getAttribute(`.fx-row[data-id="${frames[1].id}"]`, 'aria-selected'), 'false');
    assert.equal(await page.isVisible('[data-testid=detail-body]'), false, 'a right-click does not open the detail');
  });
});
