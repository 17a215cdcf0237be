// The desktop as an API user holds it: a gadget's error is an event, never the end of the process.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FinesseSimulator } from '../../../../src/core/simulator/simulator';
import { idleScenario } from '../../../../src/core/simulator/scenario';

describe('GadgetDesktop', () => {
  let dir: string;
  let sim: FinesseSimulator;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ffd-desktop-'));
    sim = new FinesseSimulator({ serve: dir, scenario: idleScenario(), desktop: {} });
  });
  afterEach(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports a gadget error with no listener without throwing', () => {
    const desktop = sim.desktop;
    assert.ok(desktop);
    assert.doesNotThrow(() =>
      desktop.reportProblem({ severity: 'error', kind: 'spec', message: 'spec does not parse', mid: '1' }),
    );
  });

  it('still hands the error to a listener', () => {
    const desktop = sim.desktop;
    assert.ok(desktop);
    const seen: string[] = [];
    desktop.on('error', (e) => seen.push(e.message));
    desktop.reportProblem({ severity: 'error', kind: 'spec', message: 'spec does not parse', mid: '1' });
    assert.deepEqual(seen, ['spec does not parse']);
  });
});
