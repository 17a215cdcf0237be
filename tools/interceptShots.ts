/**
 * Screenshots of intercept for the README, taken from the real extension in code-server:
 *   breakpoints.png  the Breakpoints view holding a Dialog PUT of a Connect to Finesse session
 *   row-menu.png     a frame row's context menu
 *   diff.png         Compare with Original, chosen from that menu
 *
 *   npx tsx tools/interceptShots.ts [DIR]        (default docs/)
 *
 * The simulator plays its agent shift; the user settings carry breakpoints (one in the filter
 * language, one disabled, one in the older field form) and a replace rule that turns the agent's
 * READY into NOT_READY, so a row is edited and can be compared.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Frame } from 'playwright-core';
import { FinesseSimulator } from '../src/core/replay/simulator';
import { CodeServer, ensureCodeServer, ROOT } from './code-server';
import { Workbench } from './workbench';

const run = promisify(execFile);
const DEMO = { domain: 'finesse.test', user: 'agent1', password: 'agent1' };

const SETTINGS = {
  'finesse.intercept.holdTimeoutSeconds': 0,
  'finesse.intercept.breakpoints': [
    { id: 'b1', filter: 'dir:in node:User/agent1/Dialogs event:PUT', enabled: true },
    { id: 'b2', filter: 'dir:out /^<iq\\b[^>]*\\stype=[\'"]set[\'"]/', enabled: false },
    { id: 'pings', direction: 'out', stanza: 'iq', match: 'urn:xmpp:ping', enabled: false },
  ],
  'finesse.intercept.replaceRules': [
    { id: 'ready', match: '&lt;state&gt;READY&lt;/state&gt;', replace: '&lt;state&gt;NOT_READY&lt;/state&gt;' },
  ],
};

async function frameWith(wb: Workbench, selector: string, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const f of wb.page.frames()) {
      const n = await f
        .locator(selector)
        .count()
        .catch(() => 0);
      if (n > 0) return f;
    }
    await wb.page.waitForTimeout(250);
  }
  throw new Error(`no webview frame has ${selector}`);
}

async function main(): Promise<void> {
  const dir = resolve(process.argv[2] ?? join(ROOT, 'docs'));
  mkdirSync(dir, { recursive: true });
  ensureCodeServer();
  await run(process.execPath, [join(ROOT, 'esbuild.js')], { cwd: ROOT });
  const simulator = new FinesseSimulator({ users: { [DEMO.user]: DEMO.password }, domain: DEMO.domain, speed: 2 });
  const simulatorUrl = await simulator.listen();
  const workspace = mkdtempSync(join(tmpdir(), 'finesse-shots-'));
  mkdirSync(join(workspace, '.vscode'));
  writeFileSync(
    join(workspace, '.vscode', 'settings.json'),
    JSON.stringify({ 'finesse.autoConnect': { url: simulatorUrl, domain: DEMO.domain, user: DEMO.user } }, null, 2),
  );
  writeFileSync(join(workspace, '.vscode', 'finesse.autoconnect'), 'screenshots\n');
  const server = await CodeServer.start({
    smokeTestDriver: true,
    env: { FINESSE_PASSWORD: DEMO.password },
    settings: SETTINGS,
  });
  const wb = await Workbench.open(server.workbenchUrl({ folder: workspace, extensionDevelopmentPath: ROOT }));
  try {
    // The breakpoint caught the call's PUT: the status bar says so and the view lists it.
    const held = await wb.statusBar(/held/, 60_000);
    if (!held.ok) throw new Error(`nothing held: ${held.text}`);
    await wb.page.locator('.activitybar a[aria-label^="Finesse"]').first().click();
    await wb.page.getByText('node:User/agent1/Dialogs', { exact: false }).first().waitFor({ timeout: 15_000 });
    // Room for the rules: the Stanza view folded, the side bar wider.
    await wb.page.locator('.pane-header[aria-label^="Stanza"]').first().click();
    const box = await wb.page.locator('[id="workbench.parts.sidebar"]').boundingBox({ timeout: 5000 });
    if (box) {
      const edge = { x: box.x + box.width + 1, y: box.y + box.height / 2 };
      await wb.page.mouse.move(edge.x, edge.y);
      await wb.page.mouse.down();
      await wb.page.mouse.move(edge.x + 260, edge.y, { steps: 8 });
      await wb.page.mouse.up();
    }
    await frameWith(wb, '.fx-row[data-id]:not([hidden])'); // the panel redrawn at its new width
    await wb.page.waitForTimeout(800); // let the tree and notification settle for the picture
    await wb.screenshot(join(dir, 'breakpoints.png'));

    // Release the call, then compare the edited row (READY → NOT_READY by the replace rule).
    await wb.page.keyboard.press('Escape');
    const edited = `.fx-row[data-vscode-context*='"frameEdited":true']`;
    const frame = await frameWith(wb, edited);
    await frame.locator(edited).first().click({ button: 'right' });
    const compare = wb.page.getByRole('menuitem', { name: 'Compare with Original' });
    await compare.waitFor({ timeout: 15_000 });
    await wb.screenshot(join(dir, 'row-menu.png'));
    await compare.click();
    await wb.page.locator('.monaco-diff-editor').first().waitFor({ timeout: 15_000 });
    await wb.page.keyboard.press('Control+B'); // the side bar away: both texts side by side
    await wb.page.waitForTimeout(800);
    await wb.screenshot(join(dir, 'diff.png'));
    process.stdout.write(`screenshots in ${dir}: breakpoints.png row-menu.png diff.png\n`);
  } finally {
    await wb.close();
    await server.dispose();
    await simulator.close();
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
