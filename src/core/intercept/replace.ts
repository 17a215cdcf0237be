/**
 * Match-and-replace rules applied on the fly to frames passing the gate (mitmproxy's
 * "modify body"): a literal string or a regular expression, in one or both directions, every
 * occurrence. A frame that changes is flagged edited; the store keeps the original text.
 */
import type { Direction, Frame } from '../capture/frame';
import { compileUserRegex, type UserRegex } from '../capture/userRegex';
import { RuleError } from './breakpoints';

export interface ReplaceRule {
  id?: string;
  enabled?: boolean;
  direction?: Direction | 'both';
  /** Text to find; a regular expression (RE2 syntax, linear time) when `regex` is true. */
  match: string;
  /** Replacement; with `regex`, `$1`… insert groups. */
  replace: string;
  regex?: boolean;
  /** Extra regex flags, e.g. "i" (global is implied). */
  flags?: string;
}

export type Rewriter = (frame: Frame, raw: string) => string;

export function compileReplaceRules(rules: readonly ReplaceRule[]): Rewriter | undefined {
  const active = rules.filter((r) => r.enabled !== false);
  if (!active.length) return undefined;
  const steps = active.map((rule) => {
    const name = rule.id ? `replace rule "${rule.id}"` : 'replace rule';
    if (!rule.match) throw new RuleError(`${name}: match is empty`);
    if (rule.direction && !['in', 'out', 'both'].includes(rule.direction))
      throw new RuleError(`${name}: direction must be in, out or both`);
    const dir = rule.direction && rule.direction !== 'both' ? rule.direction : undefined;
    let apply: (raw: string) => string;
    if (rule.regex) {
      // Rewrites run on the forwarding path: the linear-time engine keeps them bounded.
      let re: UserRegex;
      try {
        re = compileUserRegex(rule.match, rule.flags ?? '');
      } catch (e) {
        throw new RuleError(`${name}: ${(e as Error).message}`);
      }
      apply = (raw) => re.replaceAll(raw, rule.replace);
    } else {
      apply = (raw) => raw.split(rule.match).join(rule.replace);
    }
    return { dir, apply };
  });
  return (frame, raw) => {
    let out = raw;
    for (const s of steps) if (!s.dir || s.dir === frame.dir) out = s.apply(out);
    return out;
  };
}
