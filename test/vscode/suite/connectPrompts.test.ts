// The New connection steps of Connect in a real VS Code: each answer is given in VS Code's own
// input box (shown with the answer in it and accepted through the workbench command, as Enter
// would), so the real validation runs; the resource step asks before binding `desktop`. The
// extension test host refuses modal dialogs, so the warning's answer is given by the asker.
// The URL step asks the server (the real simulator, or a port nothing listens on) at once, and
// an agent the extension already has a session for stops the steps at the user.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import { FinesseSimulator } from '../../../src/core/replay/simulator';
import { enterProfile, LiveSessions, ProfileAsker } from '../../../src/vscode/connection/prompts';
import { api } from './helpers';

interface Asked {
  title: string;
  prompt: string;
  value?: string;
  /** What the step's validation says of the value it was shown with. */
  says?: string;
}

const PASSWORD = 'connect-prompts-pw';
const DOMAIN = 'finesse.lab.example';

/** A loopback port nothing listens on (taken from the OS, then released). */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
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
      const verdict = await options.validateInput?.(options.value ?? '');
      asked.push({
        title: options.title ?? '',
        prompt: options.prompt ?? '',
        value: options.value,
        says: typeof verdict === 'string' ? verdict : (verdict?.message ?? undefined),
      });
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
  let simulator: FinesseSimulator;
  const seed = { url: '', domain: DOMAIN };

  before(async () => {
    simulator = new FinesseSimulator({ users: { agent1: PASSWORD }, domain: DOMAIN });
    seed.url = await simulator.listen();
  });
  after(async () => {
    await vscode.commands.executeCommand('finesse.disconnect', 'all');
    await simulator?.close();
  });

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
      /^Bind the resource "desktop"\? Binding the resource "desktop" signs the Finesse desktop of agent7@finesse\.lab\.example out of notifications/,
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

  it('says at the URL step, with why, that nothing answers there, and asks again; the domain comes from the server', async () => {
    const dead = `ws://127.0.0.1:${await closedPort()}/ws/`;
    const ask = asker({ 1: [dead, seed.url], 2: [DOMAIN], 3: ['agent7'], 4: [''], 5: [''], 6: [''] }, []);
    const profile = await enterProfile({}, ask);
    assert.deepEqual(profile, { url: seed.url, domain: DOMAIN, user: 'agent7' });
    assert.deepEqual(
      ask.asked.map((a) => a.title.slice(-5)),
      ['(1/6)', '(1/6)', '(2/6)', '(3/6)', '(4/6)', '(5/6)', '(6/6)'],
    );
    const port = new URL(dead).port;
    assert.equal(ask.asked[1].value, dead);
    assert.match(
      ask.asked[1].prompt,
      new RegExp(`^Nothing answers at this URL: nothing listens on 127\\.0\\.0\\.1:${port} \\(connection refused\\)`),
    );
    assert.equal(ask.asked[1].says, `nothing listens on 127.0.0.1:${port} (connection refused)`);
    // The simulator's <open/> names its domain: the domain step shows it, not the URL's 127.0.0.1.
    assert.equal(ask.asked[2].value, DOMAIN);
  });

  it('stops at the user, before resource, teams, queues and the password, when that agent is already connected', async () => {
    const finesse = (await api()) as Awaited<ReturnType<typeof api>> & { connections: LiveSessions };
    await vscode.commands.executeCommand('finesse.connect', {
      url: seed.url,
      domain: DOMAIN,
      user: 'agent1',
      password: PASSWORD,
    });
    const ask = asker({ 1: [seed.url], 2: [DOMAIN], 3: ['agent1'] }, []);
    const profile = await enterProfile({}, ask, finesse.connections);
    assert.deepEqual(profile, { url: seed.url, domain: DOMAIN, user: 'agent1' });
    assert.deepEqual(
      ask.asked.map((a) => a.title.slice(-5)),
      ['(1/6)', '(2/6)', '(3/6)'],
    );
    assert.equal(finesse.connections.find(profile)?.state, 'online');
  });
});
