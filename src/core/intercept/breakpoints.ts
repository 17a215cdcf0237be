/**
 * Breakpoint rules: which frames to hold while the flow is otherwise running.
 *
 * A rule is written in the frames panel's filter language (`filter`: one language for the
 * filter bar and for breakpoints, compiled by capture/filter.ts), e.g.
 *   dir:in node:User/agent1/Dialogs event:PUT state:TALKING
 * Rules saved before that language existed use fields, still read. A rule matches a frame when
 * its filter matches and EVERY field it sets matches (fields left out match anything):
 *   direction  'in' | 'out' | 'both' (default both)
 *   session    one capture session id (hold everything of one client, let the others flow)
 *   stanza     the root element's local name: message, presence, iq, open, close, auth…
 *   type       the stanza's type attribute (get, set, result, error, chat, unavailable…)
 *   match      a regular expression (RE2 syntax, linear time: capture/userRegex.ts) searched in
 *              the frame's raw text (`flags` adds flags such as "i")
 *   node       a pubsub node: the node of a Finesse notification, or of a pubsub request
 *              (subscribe, unsubscribe, items, publish). Exact, or a glob where `*` matches
 *              within one path segment and `**` across segments: /finesse/api/Team/* or /finesse/api/**
 *   event      the Finesse Update's event: POST, PUT or DELETE (case-insensitive)
 *   state      the Finesse state the Update reports (user or dialog state, or the first
 *              apiError type), case-insensitive
 * A frame is held when ANY enabled rule matches. Rules with Finesse fields only match frames
 * that carry a Finesse notification (or, for node, a pubsub request).
 *
 * What the frames after a held one do is the rule's `rest`:
 *   pass   (the default, as mitmproxy and Burp intercept) only the matching frame is held; the
 *          later frames of its session and direction flow, and the held one, when forwarded,
 *          goes out of order (flagged `reordered`)
 *   wait   the order on the wire is kept: every later frame of that session and direction
 *          waits behind the held one, as under Pause
 */
import { compileFilter } from '../capture/filter';
import type { Direction, Frame } from '../capture/frame';
import { frameView } from '../capture/frameView';
import { compileUserRegex, type UserRegex } from '../capture/userRegex';
import { localName, type Element } from '../xmpp/xml';

export interface BreakpointRule {
  id?: string;
  enabled?: boolean;
  /** A query in the filter language (the panel's filter bar). */
  filter?: string;
  direction?: Direction | 'both';
  session?: string;
  stanza?: string;
  type?: string;
  match?: string;
  flags?: string;
  node?: string;
  event?: string;
  state?: string;
  /** What the later frames of the held frame's session and direction do (default pass). */
  rest?: BreakpointRest;
}

export type BreakpointRest = 'pass' | 'wait';
const BREAKPOINT_RESTS: readonly BreakpointRest[] = ['pass', 'wait'];

/** The rule's `rest`, its default filled in. */
export function restOf(rule: BreakpointRule | undefined): BreakpointRest {
  return rule?.rest === 'wait' ? 'wait' : 'pass';
}

export class RuleError extends Error {}

export type FrameMatcher = (frame: Frame) => boolean;

/** Compiles one rule; a bad regex or field value throws RuleError naming the rule. */
export function compileBreakpoint(rule: BreakpointRule): FrameMatcher {
  const name = rule.id ? `breakpoint "${rule.id}"` : 'breakpoint';
  const tests: FrameMatcher[] = [];
  if (rule.rest !== undefined && !BREAKPOINT_RESTS.includes(rule.rest))
    throw new RuleError(`${name}: rest must be pass or wait, not "${String(rule.rest)}"`);
  if (rule.filter !== undefined) {
    if (typeof rule.filter !== 'string' || !rule.filter.trim())
      throw new RuleError(`${name}: the filter is empty (it would hold every frame; pause does that)`);
    const compiled = compileFilter(rule.filter);
    if (!compiled.ok) throw new RuleError(`${name}: ${compiled.error}`);
    // One matcher for the rule's life: frames reach it in store order, as the filter expects.
    tests.push(compiled.filter.matcher());
  }
  if (rule.direction && rule.direction !== 'both') {
    if (rule.direction !== 'in' && rule.direction !== 'out')
      throw new RuleError(`${name}: direction must be in, out or both, not "${rule.direction}"`);
    const dir = rule.direction;
    tests.push((f) => f.dir === dir);
  }
  if (rule.session) {
    const session = rule.session;
    tests.push((f) => f.session === session);
  }
  if (rule.match !== undefined) {
    // On the forwarding path: the linear-time engine, so no pattern can stall the relay.
    const re = regex(rule.match, rule.flags, name);
    tests.push((f) => re.test(f.raw));
  }
  if (rule.stanza) {
    const stanza = rule.stanza;
    tests.push((f) => {
      const el = frameView(f).element;
      return !!el && localName(el.name) === stanza;
    });
  }
  if (rule.type) {
    const type = rule.type;
    tests.push((f) => frameView(f).element?.attrs.type === type);
  }
  // Finesse fields look at the parsed frame; a raw-text test first keeps frames that cannot
  // match (pings, presence…) from being parsed at all.
  if (rule.node) {
    const node = globToRegExp(rule.node);
    tests.push((f) => f.raw.includes('node=') && nodesOf(f).some((n) => node.test(n)));
  }
  if (rule.event) {
    const event = rule.event.toUpperCase();
    if (!['POST', 'PUT', 'DELETE'].includes(event))
      throw new RuleError(`${name}: event must be POST, PUT or DELETE, not "${rule.event}"`);
    tests.push((f) => mayCarryUpdate(f.raw) && frameView(f).finesse?.event === event);
  }
  if (rule.state) {
    const state = rule.state.toUpperCase();
    tests.push((f) => mayCarryUpdate(f.raw) && frameView(f).finesse?.state?.toUpperCase() === state);
  }
  // Cheap tests (direction, regex) run first, so most frames never get parsed.
  return (frame) => tests.every((t) => t(frame));
}

/** One matcher for a rule list: returns the first enabled rule that matches, if any. */
export function compileBreakpoints(rules: readonly BreakpointRule[]): (frame: Frame) => BreakpointRule | undefined {
  const compiled = rules.filter((r) => r.enabled !== false).map((r) => [r, compileBreakpoint(r)] as const);
  if (!compiled.length) return () => undefined;
  return (frame) => compiled.find(([, m]) => m(frame))?.[0];
}

function regex(source: string, flags: string | undefined, name: string): UserRegex {
  try {
    return compileUserRegex(source, flags ?? '');
  } catch (e) {
    throw new RuleError(`${name}: ${(e as Error).message}`);
  }
}

/** `*` matches within one path segment, `**` across segments; everything else literally. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      out += '.*';
      i++;
    } else if (c === '*') out += '[^/]*';
    else out += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** A Finesse notification is a pubsub event item; anything else needs no parsing. */
function mayCarryUpdate(raw: string): boolean {
  return raw.includes('pubsub#event');
}

/** Nodes a frame is about: its Finesse notification's node, or a pubsub request's node. */
function nodesOf(frame: Frame): string[] {
  const view = frameView(frame);
  if (view.finesse) return [view.finesse.node];
  const el = view.element;
  if (!el) return [];
  const pubsub = el.getChildElements().find((c: Element) => localName(c.name) === 'pubsub');
  return (pubsub?.getChildElements() ?? []).map((c: Element) => c.attrs.node).filter((n): n is string => !!n);
}
