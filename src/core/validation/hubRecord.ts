/**
 * Diagnostics for the text of a hub frame being edited (core/hub/hubFrame.ts): JSON that does
 * not parse is an error at the place the parser stopped, and JSON that is not a hub record
 * (`{topic, from, to: [], payload, causedBy?}`) an error on the field that is wrong.
 */
import type { Diagnostic } from './diagnostic';
import { LineIndex } from './positions';

const FIELDS = ['topic', 'from', 'to', 'payload', 'causedBy'];

/** What is wrong with `text` as a hub record; empty when it is one. */
export function validateHubText(text: string): Diagnostic[] {
  const lines = new LineIndex(text);
  const at = (
    offset: number,
    length: number,
    message: string,
    source: Diagnostic['source'],
    severity: Diagnostic['severity'] = 'error',
  ): Diagnostic => {
    const start = lines.position(offset);
    const end = lines.position(offset + length);
    return {
      severity,
      message,
      source,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
    };
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    // V8 names the offset where it stopped ("… in JSON at position 42"); the end of the text otherwise.
    const position = /at position (\d+)/.exec(message);
    const offset = position ? Number(position[1]) : text.trimEnd().length;
    return [at(offset, 1, `Not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`, 'json')];
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return [at(firstChar(text), 1, 'A hub record is a JSON object {topic, from, to, payload}', 'hub')];
  const record = value as Record<string, unknown>;
  const out: Diagnostic[] = [];
  const keyAt = (key: string) => {
    const m = new RegExp(`"${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*:`).exec(text);
    return m ? { offset: m.index, length: key.length + 2 } : { offset: firstChar(text), length: 1 };
  };
  const wrong = (key: string, message: string, severity: Diagnostic['severity'] = 'error') => {
    const { offset, length } = keyAt(key);
    out.push(at(offset, length, message, 'hub', severity));
  };
  if (typeof record.topic !== 'string' || !record.topic)
    wrong('topic', record.topic === undefined ? 'The record has no "topic"' : '"topic" must be a non-empty string');
  if (typeof record.from !== 'string')
    wrong('from', record.from === undefined ? 'The record has no "from"' : '"from" must be a string');
  if (!Array.isArray(record.to) || !record.to.every((r) => typeof r === 'string'))
    wrong('to', record.to === undefined ? 'The record has no "to"' : '"to" must be a list of strings');
  if (!('payload' in record)) wrong('payload', 'The record has no "payload"');
  if (record.causedBy !== undefined && (typeof record.causedBy !== 'number' || !Number.isInteger(record.causedBy)))
    wrong('causedBy', '"causedBy" must be a frame id');
  for (const key of Object.keys(record))
    if (!FIELDS.includes(key)) wrong(key, `"${key}" is not part of a hub record and is not sent`, 'warning');
  return out;
}

function firstChar(text: string): number {
  const m = /\S/.exec(text);
  return m ? m.index : 0;
}
