// The extension as VS Code loads it: manifest, activation, commands, bundle size.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, CORE_COMMANDS, extension } from './helpers';
import { probe } from './probe';

describe('Extension in VS Code', () => {
  it('is loaded from this repo in development mode and activates with an API object', async () => {
    const ext = extension();
    assert.equal(ext.packageJSON.publisher, 'finesse-frames');
    const exported = await api();
    assert.ok(ext.isActive);
    assert.equal(typeof exported.store.append, 'function');
    assert.equal(typeof exported.live.list, 'function');
    if (typeof exported.activationMs === 'number')
      await probe.metric(
        'activation (activate() as measured by the extension)',
        Number(exported.activationMs.toFixed(2)),
        'ms',
      );
  });

  it('registers every Finesse command it contributes, each with category "Finesse"', async () => {
    await api();
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed: { command: string; category?: string }[] = extension().packageJSON.contributes?.commands ?? [];
    for (const id of CORE_COMMANDS) {
      assert.ok(registered.has(id), `${id} is not registered`);
      const c = contributed.find((x) => x.command === id);
      assert.ok(c, `${id} is not contributed in package.json`);
      assert.equal(c.category, 'Finesse', `${id} category`);
    }
    for (const c of contributed) assert.ok(registered.has(c.command), `${c.command} is contributed but not registered`);
  });
});
