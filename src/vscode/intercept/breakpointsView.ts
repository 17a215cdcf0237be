/**
 * The Breakpoints view (like the debugger's): every rule of finesse.intercept.breakpoints with a
 * checkbox to enable or disable it, the frames it holds right now beneath it, and Add / Edit /
 * Remove. Rules are written in the frames panel's filter language; rules saved as fields before
 * that (direction, stanza, node…) are still read and shown in words. The settings stay the one
 * place rules live, so they survive a reload and can be shared in a workspace; the view writes
 * there and the controller applies them (a rule removed or disabled releases its frames in order).
 * Each rule says what the rest of the flow does while it holds a frame: passes (the default) or
 * waits in order behind it, and then how many frames wait.
 */
import * as vscode from 'vscode';
import { toRow } from '../../core/capture/rows';
import { compileBreakpoint, restOf, type BreakpointRule } from '../../core/intercept/breakpoints';
import type { HeldFrame } from '../../core/intercept/interceptor';
import { Disposable } from '../disposable';
import { arrow, type InterceptController } from './controller';
import { heldName } from './holdNotes';
import { readSettings, SECTION } from './settings';

export const BREAKPOINTS_VIEW = 'finesse.breakpoints';

type Node = { kind: 'rule'; index: number; rule: BreakpointRule } | { kind: 'held'; held: HeldFrame };

/** A rule in words: its filter, or its old fields as filter-like terms. */
export function describeRule(rule: BreakpointRule): string {
  if (rule.filter) return rule.filter;
  const parts: string[] = [];
  if (rule.direction && rule.direction !== 'both') parts.push(`dir:${rule.direction}`);
  if (rule.session) parts.push(`session:${rule.session}`);
  if (rule.stanza) parts.push(`<${rule.stanza}>`);
  if (rule.type) parts.push(`type=${rule.type}`);
  if (rule.node) parts.push(`node:${rule.node}`);
  if (rule.event) parts.push(`event:${rule.event}`);
  if (rule.state) parts.push(`state:${rule.state}`);
  if (rule.match !== undefined) parts.push(`/${rule.match}/${rule.flags ?? ''}`);
  return parts.join(' ') || '(every frame)';
}

/** What a rule does with the frames after the one it holds, in words. */
function describeRest(rule: BreakpointRule): string {
  return restOf(rule) === 'wait' ? 'holds in order' : 'lets the rest pass';
}

/** The message a bad filter gets, or undefined when it compiles. */
export function checkFilter(filter: string): string | undefined {
  try {
    compileBreakpoint({ filter });
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/^breakpoint: /, '');
  }
}

export class BreakpointsView extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly changed = this.register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<Node>;

  constructor(private readonly controller: InterceptController) {
    super();
    this.view = this.register(
      vscode.window.createTreeView(BREAKPOINTS_VIEW, { treeDataProvider: this, showCollapseAll: false }),
    );
    this.register(this.view.onDidChangeCheckboxState((e) => void this.onChecked(e.items)));
    const onRules = () => {
      void vscode.commands.executeCommand('setContext', 'finesse.hasBreakpoints', this.rules().length > 0);
      this.changed.fire(undefined);
    };
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(`${SECTION}.breakpoints`) && onRules()),
    );
    onRules();
    this.register(controller.onDidChange(() => this.changed.fire(undefined)));
  }

  rules(): BreakpointRule[] {
    return readSettings().breakpoints;
  }

  getChildren(node?: Node): Node[] {
    if (!node) return this.rules().map((rule, index) => ({ kind: 'rule', index, rule }));
    if (node.kind !== 'rule') return [];
    return this.heldBy(node.rule).map((held) => ({ kind: 'held', held }));
  }

  private heldBy(rule: BreakpointRule): HeldFrame[] {
    const interceptor = this.controller.current;
    if (!interceptor || rule.enabled === false) return [];
    return interceptor
      .held()
      .filter((h) => h.reason === 'breakpoint' && h.rule && (h.rule === rule || sameRule(h.rule, rule)));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'held') {
      const f = node.held.frame;
      const row = toRow(f);
      const item = new vscode.TreeItem(`#${f.id} ${row.label ?? row.summary}`, vscode.TreeItemCollapsibleState.None);
      const waiting = this.controller.current?.waitingBehind(f.id) ?? 0;
      const behind = this.controller.current?.waitsBehind(f.id);
      const order = waiting
        ? ` · ${waiting} waiting behind it`
        : behind
          ? ` · waits behind ${heldName(behind)}`
          : node.held.aside
            ? ' · the rest passes'
            : '';
      item.description = `${node.held.editing ? 'editing · ' : ''}${arrow(f.dir)}${order}`;
      item.tooltip = `Held frame #${f.id} (${arrow(f.dir)})${
        waiting
          ? `: ${waiting} later frames of its session and direction wait behind it, in order`
          : node.held.aside
            ? ': later frames flow; forwarded now it goes out of order (flagged reordered)'
            : ''
      }. Click to edit it; Forward and Drop are on the right.`;
      item.iconPath = new vscode.ThemeIcon('debug-stackframe');
      item.contextValue = 'heldFrame';
      item.command = { command: 'finesse.editFrame', title: 'Edit', arguments: [f.id] };
      return item;
    }
    const { rule } = node;
    const heldFrames = this.heldBy(rule);
    const held = heldFrames.length;
    const waiting = heldFrames.reduce((n, h) => n + (this.controller.current?.waitingBehind(h.frame.id) ?? 0), 0);
    const item = new vscode.TreeItem(
      describeRule(rule),
      held ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    item.id = `rule-${node.index}-${rule.id ?? ''}-${describeRule(rule)}`;
    const enabled = rule.enabled !== false;
    item.checkboxState = enabled ? vscode.TreeItemCheckboxState.Checked : vscode.TreeItemCheckboxState.Unchecked;
    item.description = [
      rule.id,
      !enabled ? 'disabled' : held ? `${held} held` : undefined,
      waiting ? `${waiting} waiting` : undefined,
      describeRest(rule),
    ]
      .filter(Boolean)
      .join(' · ');
    item.tooltip = new vscode.MarkdownString(
      `Holds frames matching \`${describeRule(rule).replace(/`/g, "'")}\`${rule.filter ? '' : ' (rule saved as fields)'}. ${
        restOf(rule) === 'wait'
          ? 'Holds in order: the later frames of the same session and direction wait behind a held frame.'
          : 'Lets the rest pass: only the matching frame is held; forwarded, it goes out of order (flagged *reordered*).'
      }`,
    );
    item.iconPath = new vscode.ThemeIcon(enabled ? 'debug-breakpoint' : 'debug-breakpoint-disabled');
    item.contextValue = `${enabled ? 'breakpoint.enabled' : 'breakpoint.disabled'}.${restOf(rule)}`;
    return item;
  }

  private async onChecked(items: readonly [Node, vscode.TreeItemCheckboxState][]): Promise<void> {
    const rules = this.rules();
    for (const [node, state] of items) {
      if (node.kind !== 'rule' || !rules[node.index]) continue;
      rules[node.index] = { ...rules[node.index], enabled: state === vscode.TreeItemCheckboxState.Checked };
    }
    await writeRules(rules);
  }
}

function sameRule(a: BreakpointRule, b: BreakpointRule): boolean {
  return JSON.stringify({ ...a, enabled: undefined }) === JSON.stringify({ ...b, enabled: undefined });
}

/** Writes the rules where they came from (the workspace, when it defines them), else to the user settings. */
export async function writeRules(rules: BreakpointRule[]): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const inspect = config.inspect<BreakpointRule[]>('breakpoints');
  const target =
    inspect?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update('breakpoints', rules.length ? rules : undefined, target);
}

/** A fresh rule id: b1, b2… (names the rule in messages and the log). */
export function nextRuleId(rules: readonly BreakpointRule[]): string {
  let n = 1;
  const ids = new Set(rules.map((r) => r.id));
  while (ids.has(`b${n}`)) n++;
  return `b${n}`;
}
