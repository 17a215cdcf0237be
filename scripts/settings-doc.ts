/**
 * The settings reference, generated from package.json `contributes.configuration.properties`
 * so the documentation never drifts from what VS Code shows in its Settings editor.
 *
 *   npx tsx scripts/settings-doc.ts               # print the Markdown table
 *   npx tsx scripts/settings-doc.ts --write FILE  # replace the table between the markers in FILE
 *   npx tsx scripts/settings-doc.ts --check FILE  # exit 1 when FILE's table is out of date
 *
 * FILE holds the table between `<!-- settings:start -->` and `<!-- settings:end -->`; the text
 * around the markers is never touched. Exit codes: 0 done / up to date, 1 out of date (--check),
 * 2 usage error or a FILE without the markers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

export const START_MARKER = '<!-- settings:start -->';
export const END_MARKER = '<!-- settings:end -->';

/** The parts of a configuration property's JSON schema the table shows. */
export interface SettingSchema {
  type?: string | string[];
  default?: unknown;
  description?: string;
  markdownDescription?: string;
  enum?: unknown[];
  items?: { type?: string | string[] };
  deprecationMessage?: string;
  markdownDeprecationMessage?: string;
}

/** A Markdown table cell: no pipe may end the cell early, no newline may end the row. */
function cell(text: string): string {
  return text.trim().replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** `string`, `string[]`, `object \| null`, or the allowed values of an enum. */
export function typeText(schema: SettingSchema): string {
  if (schema.enum?.length) return schema.enum.map((v) => `\`${JSON.stringify(v)}\``).join(', ');
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  return types
    .map((t) => {
      if (t !== 'array' || !schema.items?.type) return t;
      const item = Array.isArray(schema.items.type) ? `(${schema.items.type.join(' | ')})` : schema.items.type;
      return `${item}[]`;
    })
    .join(' | ');
}

export function defaultText(schema: SettingSchema): string {
  return schema.default === undefined ? '' : `\`${JSON.stringify(schema.default)}\``;
}

/** The Markdown description when there is one (it is what VS Code renders), else the plain one. */
export function descriptionText(schema: SettingSchema): string {
  const text = schema.markdownDescription ?? schema.description ?? '';
  const deprecated = schema.markdownDeprecationMessage ?? schema.deprecationMessage;
  return deprecated ? `**Deprecated:** ${deprecated} ${text}` : text;
}

/** One row per setting, in package.json order. */
export function settingsTable(properties: Record<string, SettingSchema>): string {
  const rows = Object.entries(properties).map(
    ([name, schema]) =>
      `| \`${name}\` | ${cell(typeText(schema))} | ${cell(defaultText(schema))} | ${cell(descriptionText(schema))} |`,
  );
  return ['| Setting | Type | Default | Description |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

export class MarkerError extends Error {}

/** `text` with everything between the markers replaced by `table` (on lines of its own). */
export function replaceTable(text: string, table: string): string {
  const start = text.indexOf(START_MARKER);
  const end = text.indexOf(END_MARKER);
  if (start < 0 || end < 0)
    throw new MarkerError(
      `no ${start < 0 ? START_MARKER : END_MARKER} marker; put the two markers where the settings table belongs`,
    );
  if (end < start) throw new MarkerError(`${END_MARKER} comes before ${START_MARKER}`);
  if (text.indexOf(START_MARKER, start + 1) >= 0 || text.indexOf(END_MARKER, end + 1) >= 0)
    throw new MarkerError('the settings markers appear more than once');
  return `${text.slice(0, start + START_MARKER.length)}\n${table}\n${text.slice(end)}`;
}

/** The configuration properties of a package.json (one configuration object or several). */
export function configurationProperties(manifest: unknown): Record<string, SettingSchema> {
  const configuration = (manifest as { contributes?: { configuration?: unknown } }).contributes?.configuration;
  const blocks = Array.isArray(configuration) ? configuration : configuration ? [configuration] : [];
  const out: Record<string, SettingSchema> = {};
  for (const block of blocks as { properties?: Record<string, SettingSchema> }[])
    Object.assign(out, block.properties ?? {});
  return out;
}

const USAGE = 'usage: tsx scripts/settings-doc.ts [--write FILE | --check FILE]\n';

export function main(argv: string[], root = join(__dirname, '..')): number {
  let values: { write?: string; check?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { write: { type: 'string' }, check: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (e) {
    process.stderr.write(`settings-doc: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.write && values.check) {
    process.stderr.write(`settings-doc: --write and --check exclude each other\n${USAGE}`);
    return 2;
  }
  const manifest: unknown = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const table = settingsTable(configurationProperties(manifest));
  const file = values.write ?? values.check;
  if (!file) {
    process.stdout.write(`${table}\n`);
    return 0;
  }
  let text: string;
  let next: string;
  try {
    text = readFileSync(file, 'utf8');
    next = replaceTable(text, table);
  } catch (e) {
    process.stderr.write(`settings-doc: ${file}: ${(e as Error).message}\n`);
    return 2;
  }
  if (values.check) {
    if (next === text) return 0;
    process.stderr.write(
      `settings-doc: ${file}: the settings reference is out of date; run \`npm run docs:settings\`\n`,
    );
    return 1;
  }
  if (next !== text) writeFileSync(file, next);
  process.stdout.write(`settings-doc: ${file}: ${next === text ? 'up to date' : 'settings reference updated'}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
