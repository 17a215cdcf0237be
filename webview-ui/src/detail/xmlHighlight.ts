/**
 * Colours pretty-printed XML by splitting it into tokens and appending each as a text node in a
 * span: markup from the wire is shown, never interpreted.
 */
import { h } from '../ui';

/** Above this size the text is shown plain (one text node) to keep the pane instant. */
const MAX_HIGHLIGHT = 256 * 1024;

const TOKEN =
  /(<!--[\s\S]*?-->)|(<\/?)([^\s/>]+)|([^\s=<>"']+)(=)("[^"]*"|'[^']*')|(\/?>)|(\s+)|([^<\s][^<]*?(?=\s|<|$)|[^<\s]+)/g;

export function highlightXml(text: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  if (text.length > MAX_HIGHLIGHT) {
    frag.appendChild(document.createTextNode(text));
    return frag;
  }
  let inTag = false;
  let last = 0;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    if (m.index > last) frag.appendChild(document.createTextNode(text.slice(last, m.index)));
    last = TOKEN.lastIndex;
    if (m[1]) frag.appendChild(h('span', { class: 'xml-comment', text: m[1] }));
    else if (m[2]) {
      inTag = true;
      frag.appendChild(h('span', { class: 'xml-punct', text: m[2] }));
      frag.appendChild(h('span', { class: 'xml-tag', text: m[3] }));
    } else if (m[4] && inTag) {
      frag.appendChild(h('span', { class: 'xml-attr', text: m[4] }));
      frag.appendChild(h('span', { class: 'xml-punct', text: m[5] }));
      frag.appendChild(h('span', { class: 'xml-value', text: m[6] }));
    } else if (m[7] && inTag) {
      inTag = false;
      frag.appendChild(h('span', { class: 'xml-punct', text: m[7] }));
    } else if (m[8]) {
      frag.appendChild(document.createTextNode(m[8]));
    } else {
      frag.appendChild(inTag ? document.createTextNode(m[0]) : h('span', { class: 'xml-text', text: m[0] }));
    }
  }
  if (last < text.length) frag.appendChild(document.createTextNode(text.slice(last)));
  return frag;
}
