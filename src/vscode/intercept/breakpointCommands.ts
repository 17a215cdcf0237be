/**
 * Breakpoint commands: Add (a filter typed in, checked as it is typed), Edit, Remove, Enable,
 * Disable, Hold in Order / Let the Rest Pass (what the later frames do), and "Break on Frames Like This" from a row's context menu (a filter written from the
 * frame, added at once and shown in the Breakpoints view, where it can be edited).
 */
import * as vscode from 'vscode';
import { restOf, type BreakpointRest, type BreakpointRule } from '../../core/intercept/breakpoints';
import { filterLike } from '../../core/intercept/likeFrame';
import {
  BREAKPOINTS_VIEW,
  BreakpointsView,
  checkFilter,
  describeRule,
  nextRuleId,
  writeRules,
} from './breakpointsView';
import type { InterceptController } from './controller';

type Command = (id: string, fn: (...args: unknown[]) => unknown) => vscode.Disposable;
type FrameArg = (arg: unknown, verb: string) => Promise<number | undefined>;

/** A rule index from a tree node ({kind:'rule', index}) or a number. */
function ruleIndex(arg: unknown): number | undefined {
  if (typeof arg === 'number') return arg;
  if (arg && typeof arg === 'object' && (arg as { kind?: unknown }).kind === 'rule')
    return (arg as { index: number }).index;
  return undefined;
}

export function registerBreakpointCommands(
  controller: InterceptController,
  command: Command,
  frameArg: FrameArg,
): vscode.Disposable[] {
  const view = new BreakpointsView(controller);

  const askFilter = (value = '') =>
    vscode.window.showInputBox({
      title: 'Breakpoint',
      prompt:
        'Hold frames matching this filter (the frames panel filter language), e.g. dir:in node:User/agent1/Dialogs state:TALKING',
      value,
      validateInput: (text) => (text.trim() ? checkFilter(text) : 'a breakpoint needs a filter'),
    });

  const pickRule = async (arg: unknown, verb: string): Promise<number | undefined> => {
    const index = ruleIndex(arg);
    if (index !== undefined) return index;
    const rules = view.rules();
    if (!rules.length) {
      void vscode.window.showInformationMessage('Finesse: there are no breakpoints.');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      rules.map((r, i) => ({
        label: describeRule(r),
        description: [r.id, r.enabled === false ? 'disabled' : '', restOf(r) === 'wait' ? 'holds in order' : '']
          .filter(Boolean)
          .join(' · '),
        i,
      })),
      { placeHolder: `Breakpoint to ${verb}` },
    );
    return pick?.i;
  };

  const add = async (rule: Omit<BreakpointRule, 'id'>): Promise<BreakpointRule> => {
    const rules = view.rules();
    const added = { id: nextRuleId(rules), ...rule, enabled: true };
    await writeRules([...rules, added]);
    return added;
  };

  const setRest = async (arg: unknown, rest: BreakpointRest) => {
    const i = await pickRule(arg, rest === 'wait' ? 'hold in order' : 'let the rest pass');
    const rules = view.rules();
    if (i === undefined || !rules[i]) return undefined;
    rules[i] = { ...rules[i], rest };
    await writeRules(rules);
    return rules[i].id;
  };

  const setEnabled = async (arg: unknown, enabled: boolean) => {
    const i = await pickRule(arg, enabled ? 'enable' : 'disable');
    const rules = view.rules();
    if (i === undefined || !rules[i]) return undefined;
    rules[i] = { ...rules[i], enabled };
    await writeRules(rules);
    return rules[i].id;
  };

  return [
    view,
    command('finesse.addBreakpoint', async (arg) => {
      // A filter, or {filter, rest} (keybindings and tests); else asked.
      const given =
        typeof arg === 'string' ? { filter: arg } : (arg as { filter?: unknown; rest?: unknown } | undefined);
      const filter = typeof given?.filter === 'string' ? given.filter : await askFilter();
      if (!filter?.trim()) return undefined;
      const problem = checkFilter(filter);
      if (problem) throw new Error(`breakpoint not added: ${problem}`);
      const rest = given?.rest === 'wait' || given?.rest === 'pass' ? given.rest : undefined;
      return (await add({ filter: filter.trim(), ...(rest ? { rest } : {}) })).id;
    }),
    command('finesse.editBreakpoint', async (arg) => {
      const i = await pickRule(arg, 'edit');
      const rules = view.rules();
      if (i === undefined || !rules[i]) return undefined;
      const filter = await askFilter(describeRule(rules[i]));
      if (!filter?.trim()) return undefined;
      // An old field rule becomes a filter rule: one language from now on.
      const { id, enabled, rest } = rules[i];
      rules[i] = { id, enabled, filter: filter.trim(), ...(rest ? { rest } : {}) };
      await writeRules(rules);
      return rules[i].id;
    }),
    command('finesse.removeBreakpoint', async (arg) => {
      const i = await pickRule(arg, 'remove');
      const rules = view.rules();
      if (i === undefined || !rules[i]) return undefined;
      const [removed] = rules.splice(i, 1);
      await writeRules(rules);
      return removed.id;
    }),
    command('finesse.removeAllBreakpoints', async () => {
      await writeRules([]);
    }),
    command('finesse.enableBreakpoint', (arg) => setEnabled(arg, true)),
    command('finesse.breakpointHoldInOrder', (arg) => setRest(arg, 'wait')),
    command('finesse.breakpointLetRestPass', (arg) => setRest(arg, 'pass')),
    command('finesse.disableBreakpoint', (arg) => setEnabled(arg, false)),
    command('finesse.breakOnFramesLike', async (arg) => {
      const id = await frameArg(arg, 'break on frames like');
      const frame = id === undefined ? undefined : controller.services.store.get(id);
      if (!frame) return undefined;
      const rule = await add({ filter: filterLike(frame) });
      void vscode.commands.executeCommand(`${BREAKPOINTS_VIEW}.focus`);
      vscode.window.setStatusBarMessage(`$(debug-breakpoint) Breakpoint ${rule.id}: ${rule.filter}`, 4000);
      return rule.id;
    }),
  ];
}
