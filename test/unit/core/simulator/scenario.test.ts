// Scenario files (JSON/YAML) and their playback on the desk: steps wait on the agent's state,
// never on a clock (speed Infinity), and a refused step is reported and the day goes on.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { parseScenario, ScenarioError, defaultScenario } from '../../../../src/core/simulator/scenario';
import { ScenarioRunner, StepEvent } from '../../../../src/core/simulator/scenarioRunner';
import { Desk } from '../../../../src/core/simulator/desk';

describe('simulator scenario', () => {
  it('parses the documented YAML, and JSON', () => {
    const s = parseScenario(
      `users:\n  - { id: bob, password: pw, extension: "2001", team: "3" }\nstart: immediately\nloop: true\nsteps:\n  - ring: { from: "555", variables: { callVariable1: a, n: 3 } }\n    when: ready\n    after: 2\n  - answer: bob\n  - state: { to: not_ready, reasonCodeId: "22", requestId: "r-{n}" }\n`,
      'day.yaml',
    );
    assert.equal(s.start, 'immediately');
    assert.equal(s.loop, true);
    assert.deepEqual(s.users?.[0], {
      id: 'bob',
      loginName: 'bob',
      password: 'pw',
      extension: '2001',
      teamId: '3',
      teamName: 'Blue',
      firstName: undefined,
      lastName: undefined,
    });
    assert.deepEqual(s.steps[0], {
      after: 2,
      when: 'READY',
      action: {
        kind: 'ring',
        agent: 'bob',
        from: '555',
        variables: [
          { name: 'callVariable1', value: 'a' },
          { name: 'n', value: '3' },
        ],
      },
    });
    assert.deepEqual(s.steps[1].action, { kind: 'call', agent: 'bob', action: 'ANSWER' });
    assert.deepEqual(s.steps[2].action, {
      kind: 'state',
      agent: 'bob',
      to: 'NOT_READY',
      extension: undefined,
      reasonCodeId: '22',
      requestId: 'r-{n}',
    });
    assert.equal(parseScenario('{"steps":[{"drop":"agent1","after":1}]}').steps[0].after, 1);
  });

  it('lets a ring name the queue its call comes through, which the desk then counts', () => {
    const s = parseScenario('start: immediately\nsteps:\n  - ring: { agent: a, from: "9", queue: 7 }\n');
    assert.deepEqual(s.steps[0].action, { kind: 'ring', agent: 'a', from: '9', variables: [], queue: '7' });
    const desk = new Desk([{ id: 'a', loginName: 'a', password: 'p', extension: '1' }]);
    assert.equal(desk.queueBody('7'), undefined);
    desk.setState('a', { state: 'LOGIN', extension: '1' });
    desk.setState('a', { state: 'READY' });
    assert.ok(desk.ring('a', { from: '9', queue: '7' }).ok);
    assert.match(desk.queueBody('7') ?? '', /<name>Queue 7<\/name><statistics><callsInQueue>1<\/callsInQueue>/);
    assert.throws(
      () => parseScenario('steps:\n  - ring: { from: "1", queue: [] }', 'f'),
      /f: steps\[0\]\.ring\.queue: expected a string/,
    );
  });

  it('names the file, the step and the field in errors', () => {
    const bad: [string, RegExp][] = [
      ['steps: nope', /f: steps: expected a list/],
      ['steps:\n  - ring: { agent: a }', /f: steps\[0\]\.ring\.from: expected a string/],
      ['steps:\n  - { ring: { from: "1" }, answer: a }', /f: steps\[0\]: expected exactly one of/],
      ['steps:\n  - { drop: a, after: -1 }', /f: steps\[0\]\.after: expected seconds/],
      ['start: later', /f: start must be/],
      ['[1, 2', /f: not JSON or YAML/],
      ['42', /f: expected an object/],
    ];
    for (const [text, message] of bad)
      assert.throws(
        () => parseScenario(text, 'f'),
        (e: Error) => e instanceof ScenarioError && message.test(e.message),
        text,
      );
  });

  it('plays steps in order, waits for `when`, and reports a refused step without stopping', async () => {
    const desk = new Desk([{ id: 'a', loginName: 'a', password: 'p', extension: '1' }]);
    const s = parseScenario(
      'start: immediately\nsteps:\n  - ring: { agent: a, from: "9" }\n    when: READY\n  - state: { agent: a, to: READY, requestId: bad }\n  - answer: a\n',
    );
    const runner = new ScenarioRunner(desk, s, Infinity);
    const steps: StepEvent[] = [];
    runner.on('step', (e) => steps.push(e));
    const done = once(runner, 'done');
    runner.start();
    assert.equal(steps.length, 0, 'the ring waits for READY');
    desk.setState('a', { state: 'LOGIN', extension: '1' });
    desk.setState('a', { state: 'READY' });
    await done;
    assert.deepEqual(
      steps.map((e) => [e.label, e.ok, e.error]),
      [
        ['ring a from 9', true, undefined],
        ['state a READY', false, 'Invalid State'],
        ['answer a', true, undefined],
      ],
    );
    assert.equal(desk.stateOf('a'), 'TALKING');
  });

  it('the demo day runs from a signed-out agent back to signed out, so it can loop', async () => {
    const desk = new Desk([
      { id: 'agent1', loginName: 'agent1', password: 'p', extension: '1001' },
      { id: 'agent2', loginName: 'agent2', extension: '1002' },
    ]);
    const runner = new ScenarioRunner(desk, { ...defaultScenario(), loop: true }, Infinity);
    const steps: StepEvent[] = [];
    const second = new Promise<void>((resolve) =>
      runner.on('step', (e) => (steps.push(e), e.iteration === 1 && e.index === 0 && resolve())),
    );
    runner.start();
    await second;
    runner.stop();
    const first = steps.filter((e) => e.iteration === 0);
    assert.equal(first.length, defaultScenario().steps.length);
    // Only the scripted mistake (READY while talking) is refused.
    assert.deepEqual(
      first.filter((e) => !e.ok).map((e) => e.label),
      ['state agent1 READY'],
    );
    assert.equal(steps.at(-1)?.ok, true, 'the second LOGIN works: the day ended signed out');
  });
});
