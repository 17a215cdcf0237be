import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  configurationProperties,
  END_MARKER,
  main,
  MarkerError,
  replaceTable,
  settingsTable,
  START_MARKER,
} from '../../../scripts/settings-doc';

const ROOT = join(__dirname, '..', '..', '..');

describe('scripts/settings-doc', () => {
  describe('settingsTable', () => {
    it('has one row per setting in package.json order, with type, default and description', () => {
      const table = settingsTable({
        'x.capacity': { type: 'integer', default: 200000, description: 'How many frames.' },
        'x.redact': { type: 'array', items: { type: 'string' }, default: [], description: 'Strings to hide.' },
        'x.auto': { type: ['object', 'null'], default: null, description: 'Demo.' },
      });
      assert.deepEqual(table.split('\n'), [
        '| Setting | Type | Default | Description |',
        '| --- | --- | --- | --- |',
        '| `x.capacity` | integer | `200000` | How many frames. |',
        '| `x.redact` | string[] | `[]` | Strings to hide. |',
        '| `x.auto` | object \\| null | `null` | Demo. |',
      ]);
    });

    it('prefers the Markdown description, as VS Code does', () => {
      const table = settingsTable({
        'x.a': { type: 'boolean', default: true, description: 'plain', markdownDescription: '**rich**' },
      });
      assert.match(table, /\| \*\*rich\*\* \|$/);
      assert.doesNotMatch(table, /plain/);
    });

    it('keeps every row on one line and every cell in its column', () => {
      const table = settingsTable({
        'x.a': { type: 'string', default: 'a|b', markdownDescription: 'first line\n\nsecond | part' },
      });
      const rows = table.split('\n');
      assert.equal(rows.length, 3);
      assert.equal(rows[2], '| `x.a` | string | `"a\\|b"` | first line<br><br>second \\| part |');
    });

    it('shows enums as their values, a missing default as an empty cell, and deprecation first', () => {
      const table = settingsTable({
        'x.dir': { enum: ['in', 'out'], deprecationMessage: 'Use x.direction.', description: 'Direction.' },
      });
      assert.equal(
        table.split('\n')[2],
        '| `x.dir` | `"in"`, `"out"` |  | **Deprecated:** Use x.direction. Direction. |',
      );
    });

    it('covers every setting this extension contributes', () => {
      const manifest: unknown = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
      const properties = configurationProperties(manifest);
      const table = settingsTable(properties);
      assert.ok(Object.keys(properties).length > 0);
      for (const name of Object.keys(properties)) assert.ok(table.includes(`| \`${name}\` |`), name);
    });
  });

  describe('replaceTable', () => {
    it('replaces only what is between the markers', () => {
      const doc = `# Title\n\n${START_MARKER}\nold table\n${END_MARKER}\n\nAfter.\n`;
      assert.equal(replaceTable(doc, '| new |'), `# Title\n\n${START_MARKER}\n| new |\n${END_MARKER}\n\nAfter.\n`);
    });

    it('is stable: a second run changes nothing', () => {
      const once = replaceTable(`${START_MARKER}${END_MARKER}`, '| t |');
      assert.equal(replaceTable(once, '| t |'), once);
    });

    it('refuses a file without both markers, in order, once each', () => {
      assert.throws(() => replaceTable('no markers', 't'), MarkerError);
      assert.throws(() => replaceTable(`${END_MARKER}\n${START_MARKER}`, 't'), /comes before/);
      assert.throws(
        () => replaceTable(`${START_MARKER}${END_MARKER}${START_MARKER}${END_MARKER}`, 't'),
        /more than once/,
      );
    });
  });

  describe('main', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'settings-doc-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('--check fails on a stale file, --write fixes it, then --check passes', () => {
      const file = join(dir, 'README.md');
      writeFileSync(file, `Intro\n${START_MARKER}\nstale\n${END_MARKER}\nEnd\n`);
      const quiet = silence();
      try {
        assert.equal(main(['--check', file], ROOT), 1);
        assert.equal(main(['--write', file], ROOT), 0);
        assert.equal(main(['--check', file], ROOT), 0);
      } finally {
        quiet.restore();
      }
      const text = readFileSync(file, 'utf8');
      assert.match(text, /^Intro\n<!-- settings:start -->\n\| Setting \| Type \| Default \| Description \|\n/);
      assert.match(text, /\n<!-- settings:end -->\nEnd\n$/);
      assert.match(quiet.stderr.join(''), /out of date; run `npm run docs:settings`/);
    });

    it('is a usage error (2) for a file without markers, leaving it as it was', () => {
      const file = join(dir, 'plain.md');
      writeFileSync(file, 'nothing here\n');
      const quiet = silence();
      try {
        assert.equal(main(['--write', file], ROOT), 2);
      } finally {
        quiet.restore();
      }
      assert.equal(readFileSync(file, 'utf8'), 'nothing here\n');
      assert.match(quiet.stderr.join(''), /no <!-- settings:start --> marker/);
    });
  });
});

/** Captures what main() prints, so the test output stays readable. */
function silence(): { stderr: string[]; restore(): void } {
  const stderr: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  return {
    stderr,
    restore() {
      process.stdout.write = out;
      process.stderr.write = err;
    },
  };
}
