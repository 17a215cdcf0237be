import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverLayout, LayoutError, parseLayout } from '../../../../src/core/desktop/layout';

const spec = (title: string) =>
  `<?xml version="1.0"?>\n<Module><ModulePrefs title="${title}"/><Content type="html"/></Module>`;

describe('desktop layout', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ffd-layout-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the Agent layout of a finesseLayout: tabs, their gadgets, page gadgets; built-in components left out', () => {
    mkdirSync(join(dir, 'Sample'));
    writeFileSync(join(dir, 'Sample', 'Sample.xml'), spec('My Sample'));
    const layout = parseLayout(
      `<finesseLayout xmlns="http://www.cisco.com/vtg/finesse">
        <layout><role>Supervisor</role><page/><tabs><tab><id>sup</id><label>S</label></tab></tabs></layout>
        <layout><role>Agent</role>
          <page><gadget>/desktop/scripts/js/callcontrol.js</gadget><gadget>/3rdpartygadget/files/Top.xml</gadget></page>
          <tabs>
            <tab><id>home</id><label>finesse.container.tabs.agent.homeLabel</label>
              <gadgets><gadget>/3rdpartygadget/files/Sample/Sample.xml</gadget></gadgets></tab>
            <tab><id>more</id><label>More</label>
              <columns><column><gadgets><gadget>https://example.test/g.xml</gadget></gadgets></column></columns></tab>
          </tabs></layout>
      </finesseLayout>`,
      'layout.xml',
      dir,
    );
    assert.deepEqual(layout.tabs, [
      { id: 'home', label: 'Home' },
      { id: 'more', label: 'More' },
    ]);
    assert.deepEqual(
      layout.gadgets.map((g) => [g.specUrl, g.title, g.tab]),
      [
        ['/3rdpartygadget/files/Top.xml', 'Top', undefined],
        ['/3rdpartygadget/files/Sample/Sample.xml', 'My Sample', 'home'],
        ['https://example.test/g.xml', 'g', 'more'],
      ],
    );
    assert.equal(layout.gadgets[1].specFile, join(dir, 'Sample', 'Sample.xml'));
    assert.match(layout.skipped[0], /callcontrol\.js: a built-in desktop component/);
  });

  it('says what is wrong with a layout that is not one', () => {
    assert.throws(
      () => parseLayout('<layout/>', 'x.xml'),
      (e: Error) => e instanceof LayoutError && /<finesseLayout>/.test(e.message),
    );
    assert.throws(() => parseLayout('<finesseLayout>', 'x.xml'), /not well-formed/);
    assert.throws(() => parseLayout('<finesseLayout/>', 'x.xml'), /no <layout>/);
  });

  it('without a layout finds every <Module> spec in the folder and its direct subfolders, one tab each', () => {
    writeFileSync(join(dir, 'Root.xml'), spec('Root gadget'));
    writeFileSync(join(dir, 'notes.xml'), '<notes/>');
    mkdirSync(join(dir, 'A'));
    writeFileSync(join(dir, 'A', 'A.xml'), spec('A gadget'));
    writeFileSync(join(dir, 'A', 'Broken.xml'), '<Module><ModulePrefs title="x">');
    mkdirSync(join(dir, 'A', 'deep'));
    writeFileSync(join(dir, 'A', 'deep', 'Deep.xml'), spec('too deep'));
    const layout = discoverLayout(dir);
    assert.deepEqual(
      layout.gadgets.map((g) => [g.specUrl, g.title, g.tab]),
      [
        ['/3rdpartygadget/files/Root.xml', 'Root gadget', 'Root'],
        ['/3rdpartygadget/files/A/A.xml', 'A gadget', 'A'],
        ['/3rdpartygadget/files/A/Broken.xml', 'Broken', 'Broken'],
      ],
    );
    assert.deepEqual(
      layout.tabs.map((t) => t.label),
      ['Root gadget', 'A gadget', 'Broken'],
    );
  });
});
