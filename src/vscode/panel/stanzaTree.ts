/**
 * The native "Stanza" tree view (id `finesse.stanza`): the element tree of the frame selected in
 * a frames view — elements with their attributes and text, the decoded Finesse Update expanded
 * as a subtree of its <notification>.
 */
import * as vscode from 'vscode';
import type { Frame } from '../../core/capture/frame';
import { toRow } from '../../core/capture/rows';
import { StanzaSelection } from './selection';
import { StanzaNode, stanzaTree } from './stanzaModel';

const TEXT_LABEL_MAX = 120;

const oneLine = (text: string) => {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > TEXT_LABEL_MAX ? t.slice(0, TEXT_LABEL_MAX - 1) + '…' : t;
};

export class StanzaTreeProvider implements vscode.TreeDataProvider<StanzaNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<StanzaNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: StanzaNode[] = [];
  private frame: Frame | undefined;
  private view: vscode.TreeView<StanzaNode> | undefined;
  private readonly onChange = (frame: Frame | undefined) => this.show(frame);

  constructor(private readonly selection: StanzaSelection) {
    selection.on('change', this.onChange);
  }

  /** The tree view shows the frame's number and summary in its title bar. */
  attach(view: vscode.TreeView<StanzaNode>): void {
    this.view = view;
    this.show(this.selection.frame);
  }

  show(frame: Frame | undefined): void {
    this.frame = frame;
    this.roots = frame ? stanzaTree(frame) : [];
    if (this.view) {
      const row = frame && toRow(frame);
      this.view.description = row ? `#${row.id} ${row.dir === 'out' ? '→' : '←'} ${row.summary}` : undefined;
    }
    this.changed.fire(undefined);
  }

  get shown(): Frame | undefined {
    return this.frame;
  }

  getChildren(node?: StanzaNode): StanzaNode[] {
    if (!node) return this.roots;
    return node.kind === 'element' ? node.children : [];
  }

  getTreeItem(node: StanzaNode): vscode.TreeItem {
    switch (node.kind) {
      case 'element': {
        const expand =
          node.decoded || node.depth < 4
            ? vscode.TreeItemCollapsibleState.Expanded
            : vscode.TreeItemCollapsibleState.Collapsed;
        const item = new vscode.TreeItem(
          node.name,
          node.children.length ? expand : vscode.TreeItemCollapsibleState.None,
        );
        const shownAttrs = node.attrs.filter(([k]) => k !== 'xmlns').slice(0, 3);
        item.description = node.decoded
          ? `decoded Finesse Update${node.decoded.label ? ` · ${node.decoded.label}` : ''}`
          : shownAttrs.map(([k, v]) => `${k}="${oneLine(v)}"`).join(' ');
        item.iconPath = new vscode.ThemeIcon(node.decoded ? 'symbol-event' : 'symbol-class');
        item.tooltip = node.attrs.find(([k]) => k === 'xmlns')?.[1];
        item.id = node.id;
        item.contextValue = 'element';
        return item;
      }
      case 'attribute': {
        const item = new vscode.TreeItem(`@${node.name}`, vscode.TreeItemCollapsibleState.None);
        item.description = oneLine(node.value);
        item.tooltip = node.value;
        item.iconPath = new vscode.ThemeIcon('symbol-property');
        item.id = node.id;
        return item;
      }
      case 'text': {
        const item = new vscode.TreeItem(
          node.escapedUpdate ? 'escaped text' : oneLine(node.text) || '(empty)',
          vscode.TreeItemCollapsibleState.None,
        );
        if (node.escapedUpdate) item.description = `${node.text.length} characters, decoded above`;
        item.tooltip = node.text;
        item.iconPath = new vscode.ThemeIcon('symbol-string');
        item.id = node.id;
        return item;
      }
      case 'error': {
        const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
        item.id = node.id;
        return item;
      }
      case 'info': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.description = node.detail;
        item.iconPath = new vscode.ThemeIcon('info');
        item.id = node.id;
        return item;
      }
    }
  }

  dispose(): void {
    this.selection.off('change', this.onChange);
    this.changed.dispose();
  }
}
