/**
 * The element tree of one frame for the "Stanza" view: elements, attributes and text, with the
 * escaped Finesse <Update> inside a <notification> decoded and shown as its own subtree. A hub
 * frame shows its topic, publisher, receivers, the Update it relays as that subtree, and its
 * payload as JSON. SASL payloads are masked as everywhere else in the live view. No vscode import.
 */
import type { Frame } from '../../core/capture/frame';
import { frameView } from '../../core/capture/frameView';
import { decodeUpdateText, updateLabel } from '../../core/finesse/update';
import { nestedDeeperThan, nestingNotice } from '../../core/xmpp/pretty';
import { hasSaslPayload, redact } from '../../core/xmpp/sasl';
import { Element, parseXml } from '../../core/xmpp/xml';

export type StanzaNode =
  | {
      kind: 'element';
      id: string;
      name: string;
      attrs: [string, string][];
      children: StanzaNode[];
      depth: number;
      decoded?: { label?: string };
    }
  | { kind: 'attribute'; id: string; name: string; value: string }
  | { kind: 'text'; id: string; text: string; escapedUpdate?: boolean }
  | { kind: 'error'; id: string; message: string }
  | { kind: 'info'; id: string; label: string; detail?: string };

const local = (name: string) => name.slice(name.indexOf(':') + 1);

export function stanzaTree(frame: Frame): StanzaNode[] {
  const prefix = `${frame.id}`;
  const hub = frame.kind === 'hub' ? hubTree(frame, prefix) : undefined;
  if (hub) return hub;
  if (frame.kind !== 'stanza' && frame.kind !== 'open' && frame.kind !== 'close') {
    const label =
      {
        text: frame.raw.trim() ? 'Text frame' : 'Whitespace keepalive',
        binary: 'Binary frame (base64)',
        ping: 'WebSocket ping',
        pong: 'WebSocket pong',
        closeframe: 'WebSocket close',
      }[frame.kind as string] ?? frame.kind;
    const nodes: StanzaNode[] = [{ kind: 'info', id: `${prefix}/info`, label, detail: `${frame.bytes} B` }];
    if (frame.raw) nodes.push({ kind: 'text', id: `${prefix}/raw`, text: frame.raw });
    const error = frameView(frame).error;
    if (error) nodes.unshift({ kind: 'error', id: `${prefix}/error`, message: error });
    return nodes;
  }
  const view = frameView(frame);
  if (view.error || !view.element) {
    return [
      { kind: 'error', id: `${prefix}/error`, message: view.error ?? 'Not XML' },
      { kind: 'text', id: `${prefix}/raw`, text: redact(frame.raw) },
    ];
  }
  let root: Element = view.element;
  if (hasSaslPayload(frame.raw)) {
    const masked = parseXml(redact(frame.raw));
    if (masked.ok) root = masked.element;
  }
  // A tree as deep as the wire says would recurse that deep: the raw text instead.
  if (nestedDeeperThan(root)) {
    return [
      { kind: 'error', id: `${prefix}/error`, message: nestingNotice() },
      { kind: 'text', id: `${prefix}/raw`, text: redact(frame.raw) },
    ];
  }
  return [elementNode(root, prefix, 0, '')];
}

/** A hub record's parts; undefined when the text is no record (shown as text, with the error). */
function hubTree(frame: Frame, prefix: string): StanzaNode[] | undefined {
  const view = frameView(frame);
  const hub = view.hub;
  if (!hub) return undefined;
  const field = (name: string, value: string): StanzaNode => ({
    kind: 'attribute',
    id: `${prefix}/@${name}`,
    name,
    value,
  });
  const nodes: StanzaNode[] = [
    { kind: 'info', id: `${prefix}/info`, label: 'Hub publish', detail: `${frame.bytes} B` },
    field('topic', hub.topic),
    field('from', hub.from),
    field('to', hub.to.length ? hub.to.join(', ') : '(no subscriber)'),
  ];
  if (hub.causedBy !== undefined) nodes.push(field('relays', `#${hub.causedBy}`));
  const update = view.finesse;
  if (update?.element && !nestedDeeperThan(update.element)) {
    const decoded = elementNode(update.element, `${prefix}/decoded`, 0, update.node);
    if (decoded.kind === 'element') decoded.decoded = { label: updateLabel(update) };
    nodes.push(decoded);
  } else if (update?.error)
    nodes.push({ kind: 'error', id: `${prefix}/error`, message: `The relayed Update does not parse: ${update.error}` });
  nodes.push({
    kind: 'text',
    id: `${prefix}/payload`,
    text: redact(JSON.stringify(hub.payload, null, 2) ?? '(no payload)'),
  });
  return nodes;
}

/** `node`: the pubsub node of the enclosing <items>, for the decoded Update's label. */
function elementNode(el: Element, path: string, depth: number, node: string): StanzaNode {
  const id = `${path}/${el.name}`;
  if (local(el.name) === 'items' && el.attrs.node) node = String(el.attrs.node);
  const attrs = Object.entries(el.attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => [k, String(v)] as [string, string]);
  const children: StanzaNode[] = attrs.map(([name, value]) => ({
    kind: 'attribute',
    id: `${id}/@${name}`,
    name,
    value,
  }));
  el.children.forEach((child, i) => {
    if (typeof child !== 'string') {
      children.push(elementNode(child, `${id}[${i}]`, depth + 1, node));
      return;
    }
    if (!child.trim()) return;
    const text = child.trim();
    // Finesse publishes the <Update> as escaped text inside <notification>: decode it in place.
    if (local(el.name).toLowerCase() === 'notification' && text.startsWith('<')) {
      const update = decodeUpdateText(text, node);
      if (update.element) {
        const decoded = elementNode(update.element, `${id}[${i}]/decoded`, depth + 1, node);
        if (decoded.kind === 'element') decoded.decoded = { label: updateLabel(update) };
        children.push(decoded);
        children.push({ kind: 'text', id: `${id}[${i}]#text`, text, escapedUpdate: true });
        return;
      }
      children.push({
        kind: 'error',
        id: `${id}[${i}]#error`,
        message: `The escaped Update does not parse: ${update.error}`,
      });
    }
    children.push({ kind: 'text', id: `${id}[${i}]#text`, text });
  });
  return { kind: 'element', id, name: el.name, attrs, children, depth };
}
