// format.ts: the checks every line of an untrusted session file goes through.
import assert from 'node:assert/strict';
import {
  checkFrame,
  checkHeader,
  checkRecord,
  makeHeader,
  SESSION_VERSION,
} from '../../../../src/core/recording/format';

describe('recording/format', () => {
  it('a made header passes its own check', () => {
    const h = makeHeader({
      target: 'wss://f:8445/ws/',
      sessions: [{ id: 's', label: 'l', started: 1 }],
      created: new Date(0),
    });
    assert.deepEqual(checkHeader(JSON.parse(JSON.stringify(h))), h);
    assert.equal(h.version, SESSION_VERSION);
    assert.equal(h.created, '1970-01-01T00:00:00.000Z');
  });

  it('names what is wrong with a header', () => {
    assert.match(String(checkHeader({ format: 'har' })), /not a finesse-session header/);
    assert.match(
      String(checkHeader({ format: 'finesse-session', version: 1, created: 'x', sessions: [{}] })),
      /session has no id/,
    );
  });

  it('computes bytes when missing and keeps original', () => {
    const f = checkFrame({ id: 1, session: 's', dir: 'out', t: 1.5, kind: 'stanza', raw: 'é', original: '<x/>' });
    assert.deepEqual(f, {
      id: 1,
      session: 's',
      dir: 'out',
      t: 1.5,
      kind: 'stanza',
      raw: 'é',
      bytes: 2,
      flags: {},
      original: '<x/>',
    });
    assert.match(String(checkFrame({ id: 0 })), /positive integer/);
  });

  it('keeps the intercept flags a saved frame carries, reordered too, and drops unknown ones', () => {
    const f = checkFrame({
      id: 2,
      session: 's',
      dir: 'in',
      t: 2,
      kind: 'stanza',
      raw: '<x/>',
      flags: { edited: true, reordered: true, invented: true },
    });
    assert.ok(!(f instanceof Error) && typeof f !== 'string');
    assert.deepEqual((f as { flags: object }).flags, { edited: true, reordered: true });
  });

  it('sorts records', () => {
    assert.ok('sessionInfo' in (checkRecord({ sessionInfo: { id: 's', started: 1 } }) as object));
    assert.ok('end' in (checkRecord({ end: { frames: 3 } }) as object));
    assert.match(String(checkRecord({ end: {} })), /frame count/);
  });
});
