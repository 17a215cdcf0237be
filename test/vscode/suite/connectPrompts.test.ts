// The New connection steps of Connect in a real VS Code: each answer is given in VS Code's own
// input box (shown with the answer in it and accepted through the workbench command, as Enter
// would), so the real validation runs; the resource step asks before binding `desktop`. The
// extension test host refuses modal dialogs, so the warning's answer is given by the asker.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { enterProfile, ProfileAsker } from '../../../src/vscode/connection/prompts';

interface Asked {
  title: string;
  prompt: string;
}

/** Answers each input box by its step number in the title; records the warnings shown. */
function asker(
  answers: Record<number, string[]>,
  warnAnswers: (string | undefined)[],
): ProfileAsker & { asked: Asked[]; warnings: string[] } {
  const asked: Asked[] = [];
  const warnings: string[] = [];
  return {
    asked,
    warnings,
    async input(options) {
      const n = Number(/\((\d)\/6\)/.exec(options.title ?? '')?.[1]);
      asked.push({ title: options.title ?? '', prompt: options.prompt ?? '' });
      const answer = answers[n]?.shift();
      assert.notEqual(answer, undefined, `no answer for ${options.title}`);
      const shown = vscode.window.showInputBox({ ...options, value: answer });
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return shown;
    },
    async warn(message, detail) {
      warnings.push(`${message} ${detail}`);
      return warnAnswers.shift();
    },
  };
}

describe('Connect prompts: resource and queues', () => {
  const seed = { url: 'wss://finesse.example.com:8445/ws/', domain: 'finesse.example.com' };

  it('keeps our own resource when the resource step is left empty, and takes teams and queues', async () => {
    const ask = asker({ 1: [seed.url], 2: [seed.domain], 3: ['agent7'], 4: [''], 5: ['1, 5'], 6: ['2 ,7'] }, []);
    const profile = await enterProfile(seed, ask);
    assert.deepEqual(profile, {
      url: seed.url,
      domain: seed.domain,
      user: 'agent7',
      teams: ['1', '5'],
      queues: ['2', '7'],
    });
    assert.match(ask.asked[3].prompt, /^Resource \(default finesse-frames\)/);
    assert.match(ask.asked[5].prompt, /^Queue ids to subscribe/);
    assert.deepEqual(ask.warnings, []);
  });

  it('binds desktop only after the warning is answered Continue; Cancel asks for the resource again', async () => {
    const ask = asker({ 1: [seed.url], 2: [seed.domain], 3: ['agent7'], 4: ['desktop', 'desktop'], 5: [''], 6: [''] }, [
      undefined,
      'Continue',
    ]);
    const profile = await enterProfile(seed, ask);
    assert.deepEqual(profile, { url: seed.url, domain: seed.domain, user: 'agent7', resource: 'desktop' });
    assert.equal(ask.warnings.length, 2);
    assert.match(
      ask.warnings[0],
      /^Bind the resource "desktop"\? Binding the resource "desktop" signs the Finesse desktop of agent7@finesse\.example\.com out of notifications/,
    );
    assert.deepEqual(
      ask.asked.map((a) => a.title.slice(-5)),
      ['(1/6)', '(2/6)', '(3/6)', '(4/6)', '(4/6)', '(5/6)', '(6/6)'],
    );
  });

  it('takes another resource as typed, without a warning', async () => {
    const ask = asker({ 1: [seed.url], 2: [seed.domain], 3: ['agent7'], 4: [' lab-bench '], 5: [''], 6: [''] }, []);
    const profile = await enterProfile(seed, ask);
    assert.equal(profile?.resource, 'lab-bench');
    assert.deepEqual(ask.warnings, []);
  });
});
