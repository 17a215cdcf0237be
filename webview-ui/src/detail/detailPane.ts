/**
 * The detail pane of the selected frame: raw text (credentials masked with an explicit Reveal),
 * pretty XML, the decoded Finesse Update as its own document, the original text of an edited
 * frame; parse errors; copy buttons (the host writes the clipboard); intercept action buttons
 * when the host offers them. A hub frame adds its topic, publisher, receivers and a link to the
 * XMPP frame it relays; its JSON tab shows the payload indented.
 */
import type { CopyWhat, DetailDto, DetailResponse, FrameAction, FrameNote } from '../../../src/protocol/messages';
import {
  badge,
  button,
  h,
  markTree,
  replaceChildren,
  setMarkedText,
  setText,
  tabs,
  Tabs,
  textField,
  toggleButton,
  ToggleButton,
} from '../ui';
import { DIR_ARROW, DIR_TITLE, FLAG_BADGES, formatBytes, formatTime, visibleControls } from '../format';
import { highlightXml } from './xmlHighlight';

export type DetailTab = CopyWhat;

export interface DetailPaneEvents {
  onTab(tab: DetailTab): void;
  onCopy(what: DetailTab): void;
  onReveal(): void;
  onAction(action: FrameAction): void;
  onClose(): void;
  /** The user starred/unstarred or commented the frame. */
  onNote(note: FrameNote): void;
  /** A link to another frame was followed (a hub frame's XMPP Update). */
  onGoto(id: number): void;
}

const ACTION_LABELS: Record<FrameAction, [string, string]> = {
  forward: ['Forward', 'Send the held frame on'],
  drop: ['Drop', 'Discard the held frame'],
  edit: ['Edit…', 'Edit the frame in an editor tab, then forward it'],
  resend: ['Resend', 'Send this frame again on its live session'],
  resendOriginal: ['Resend Original', 'Send the text this frame had before it was edited'],
  compare: ['Compare with Original', 'Open the original and the edited text side by side'],
};

export class DetailPane {
  readonly el: HTMLElement;
  private readonly heading: HTMLElement;
  private readonly tabs: Tabs<DetailTab>;
  private readonly actions: HTMLElement;
  private readonly revealButton: HTMLButtonElement;
  private readonly errorBox: HTMLElement;
  private readonly note: HTMLElement;
  private readonly body: HTMLPreElement;
  private detail: DetailDto | undefined;
  private marks: DetailResponse['marks'];
  private readonly apiErrors: HTMLElement;
  private readonly hub: HTMLElement;
  private readonly star: ToggleButton;
  private readonly noteField: HTMLInputElement;

  constructor(
    initialTab: DetailTab,
    private readonly events: DetailPaneEvents,
  ) {
    this.heading = h('div', { class: 'fx-detail-heading', attrs: { 'data-testid': 'detail-heading' } });
    this.tabs = tabs<DetailTab>({
      label: 'Frame views',
      tabs: [
        { id: 'raw', label: 'Raw' },
        { id: 'pretty', label: 'XML' },
        { id: 'update', label: 'Finesse Update' },
        { id: 'original', label: 'Original' },
      ],
      selected: initialTab,
      onSelect: (tab) => {
        this.renderBody();
        this.events.onTab(tab);
      },
    });
    this.revealButton = button({
      label: 'Reveal',
      title: 'Show the SASL credentials this frame carries',
      onClick: () => this.events.onReveal(),
      attrs: { 'data-testid': 'reveal' },
    });
    const copy = button({
      label: 'Copy',
      title: 'Copy this view to the clipboard',
      onClick: () => this.events.onCopy(this.shownTab),
      attrs: { 'data-testid': 'copy' },
    });
    this.star = toggleButton({
      label: '★',
      title: 'Star this frame (kept in saved sessions; filter is:starred)',
      checked: false,
      onToggle: () => this.saveNote({ starred: !this.detail?.note?.starred }),
      attrs: { 'data-testid': 'star' },
    });
    this.noteField = textField({
      label: 'Comment on this frame',
      placeholder: 'Comment…',
      title: 'A comment on this frame, kept in saved sessions (filter has:note); Enter saves',
      attrs: { 'data-testid': 'note' },
    });
    this.noteField.classList.add('fx-note-field');
    this.noteField.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') {
        ev.preventDefault();
        this.saveNote({ text: this.noteField.value });
      }
      ev.stopPropagation();
    });
    this.noteField.addEventListener('change', () => this.saveNote({ text: this.noteField.value }));
    const close = button({
      label: '✕',
      title: 'Close details (Esc)',
      variant: 'icon',
      onClick: () => this.events.onClose(),
    });
    this.actions = h('div', { class: 'fx-detail-actions', attrs: { 'data-testid': 'actions' } });
    const bar = h(
      'div',
      { class: 'fx-detail-bar' },
      this.tabs.el,
      h('div', { class: 'fx-spring' }),
      this.noteField,
      this.star.el,
      this.actions,
      this.revealButton,
      copy,
      close,
    );
    this.errorBox = h('div', { class: 'fx-detail-error', role: 'alert', attrs: { 'data-testid': 'detail-error' } });
    this.apiErrors = h('div', {
      class: 'fx-detail-error fx-api-error',
      role: 'alert',
      attrs: { 'data-testid': 'detail-api-error' },
    });
    this.note = h('div', { class: 'fx-detail-note' });
    this.hub = h('dl', { class: 'fx-detail-hub', attrs: { 'data-testid': 'detail-hub', 'aria-label': 'Hub publish' } });
    this.body = h('pre', {
      class: 'fx-detail-body',
      attrs: { tabindex: 0, 'data-testid': 'detail-body', 'aria-label': 'Frame text' },
    });
    this.el = h(
      'section',
      { class: 'fx-detail', attrs: { 'aria-label': 'Frame detail', 'data-testid': 'detail' } },
      this.heading,
      bar,
      this.errorBox,
      this.apiErrors,
      this.hub,
      this.note,
      this.body,
    );
    this.show(undefined);
  }

  get tab(): DetailTab {
    return this.tabs.selected;
  }

  get frameId(): number | undefined {
    return this.detail?.id;
  }

  /** `marks`: where the search matches the raw and pretty text. */
  /** The frame could not be loaded (the host refused or failed): say so instead of showing a stale frame. */
  showFailure(id: number, reason: string): void {
    this.show(undefined);
    replaceChildren(this.heading, `#${id}`);
    setText(this.note, `Could not load this frame: ${reason}`);
    this.note.hidden = false;
  }

  /** The frame a link named is not in the list: say so beside the link. */
  notListed(id: number): void {
    const said = this.hub.querySelector('[data-testid="hub-not-listed"]');
    if (!said || this.detail?.hub?.causedBy !== id) return;
    setText(said as HTMLElement, `#${id} is not in the list: the filter hides it, or it is no longer kept.`);
  }

  show(detail: DetailDto | undefined, marks?: DetailResponse['marks']): void {
    this.detail = detail;
    this.marks = marks;
    this.showHub(detail);
    this.apiErrors.hidden = !detail?.apiErrors?.length;
    replaceChildren(this.apiErrors, ...(detail?.apiErrors ?? []).map((line) => h('div', { text: line })));
    this.star.set(!!detail?.note?.starred);
    this.star.el.hidden = !detail?.notes && !detail?.note?.starred;
    this.star.el.disabled = !detail?.notes;
    if (document.activeElement !== this.noteField || this.noteField.dataset.frame !== String(detail?.id))
      this.noteField.value = detail?.note?.text ?? '';
    this.noteField.dataset.frame = String(detail?.id ?? '');
    this.noteField.hidden = !detail?.notes && !detail?.note?.text;
    this.noteField.readOnly = !detail?.notes;
    if (!detail) {
      replaceChildren(this.heading, 'No frame selected');
      this.errorBox.hidden = true;
      this.revealButton.hidden = true;
      replaceChildren(this.actions);
      setText(this.note, '');
      this.note.hidden = true;
      this.body.replaceChildren();
      return;
    }
    replaceChildren(
      this.heading,
      h('span', { class: 'fx-detail-id', text: `#${detail.id}` }),
      h('span', {
        class: `fx-detail-dir dir-${detail.dir}`,
        text: DIR_ARROW[detail.dir],
        title: DIR_TITLE[detail.dir],
      }),
      h('span', { text: visibleControls(detail.summary || detail.kind) }),
      detail.label ? h('span', { class: 'fx-detail-label', text: visibleControls(detail.label) }) : undefined,
      ...FLAG_BADGES.filter(([flag]) => detail.flags[flag]).map(([flag, text, title]) => badge(text, flag, title)),
      h('span', {
        class: 'fx-detail-meta',
        text: `${detail.kind} · ${formatBytes(detail.bytes)} · ${formatTime(detail.t)} · ${detail.sessionLabel ?? detail.session}`,
      }),
    );
    this.errorBox.hidden = !detail.error;
    setText(this.errorBox, detail.error ? `Malformed frame: ${detail.error}` : '');
    this.revealButton.hidden = !detail.masked;
    replaceChildren(
      this.actions,
      ...detail.actions.map((a) =>
        button({
          label: ACTION_LABELS[a][0],
          title: ACTION_LABELS[a][1],
          variant: a === 'forward' ? 'primary' : 'secondary',
          onClick: () => this.events.onAction(a),
          attrs: { 'data-action': a },
        }),
      ),
    );
    this.tabs.setEnabled('pretty', detail.pretty !== undefined);
    this.tabs.setEnabled('update', detail.update !== undefined);
    this.tabs.setVisible('original', detail.original !== undefined);
    // Fall back to a tab this frame has, without forgetting the user's choice for the next frame.
    this.renderBody();
  }

  focus(): void {
    this.body.focus();
  }

  private link(id: number, title: string): HTMLButtonElement {
    const b = h('button', {
      class: 'fx-link',
      text: `#${id}`,
      title,
      attrs: { type: 'button', 'data-testid': 'hub-caused-by' },
    });
    b.addEventListener('click', () => this.events.onGoto(id));
    return b;
  }

  /** A hub frame's publish as a short list; every value is wire text, put in as text. */
  private showHub(detail: DetailDto | undefined): void {
    const hub = detail?.hub;
    this.hub.hidden = !hub;
    const prettyTab = this.tabs.el.querySelector('[data-tab="pretty"]');
    if (prettyTab) prettyTab.textContent = hub ? 'JSON' : 'XML';
    if (!hub) {
      replaceChildren(this.hub);
      return;
    }
    const entry = (term: string, ...value: (Node | string)[]) => [
      h('dt', { text: term }),
      h('dd', { attrs: { 'data-testid': `hub-${term.toLowerCase()}` } }, ...value),
    ];
    const relays =
      hub.causedBy === undefined
        ? []
        : entry(
            'Relays',
            this.link(hub.causedBy, `Select frame #${hub.causedBy}, the XMPP Update this publish relays`),
            h('span', { class: 'fx-detail-hub-said', attrs: { 'data-testid': 'hub-not-listed' } }),
          );
    replaceChildren(
      this.hub,
      ...entry('Topic', visibleControls(hub.topic)),
      ...entry('From', visibleControls(hub.from)),
      ...entry('To', hub.to.length ? hub.to.map(visibleControls).join(', ') : '(no subscriber)'),
      ...relays,
    );
  }

  private saveNote(patch: FrameNote): void {
    const d = this.detail;
    if (!d?.notes) return;
    const note: FrameNote = { ...d.note, ...patch };
    if (note.text !== undefined && !note.text.trim()) delete note.text;
    if (!note.starred) delete note.starred;
    if ((note.text ?? '') === (d.note?.text ?? '') && !!note.starred === !!d.note?.starred) return;
    d.note = note;
    this.star.set(!!note.starred);
    this.events.onNote(note);
  }

  /** The tab actually shown for the current frame. */
  get shownTab(): DetailTab {
    const d = this.detail;
    const want = this.tabs.selected;
    if (!d) return want;
    if (want === 'pretty' && d.pretty === undefined) return 'raw';
    if (want === 'update' && d.update === undefined) return d.pretty !== undefined ? 'pretty' : 'raw';
    if (want === 'original' && d.original === undefined) return 'raw';
    return want;
  }

  private renderBody(): void {
    const d = this.detail;
    if (!d) return;
    const tab = this.shownTab;
    this.body.dataset.tab = tab;
    let note = '';
    let text: string;
    let xml = false;
    if (tab === 'pretty') {
      text = d.pretty ?? d.raw;
      // A hub frame's pretty view is its payload as JSON.
      xml = !d.hub;
    } else if (tab === 'update' && d.update) {
      text = d.update.xml;
      xml = !d.update.error;
      note = d.update.error
        ? `The Update inside this notification does not parse: ${d.update.error}`
        : (d.update.label ?? '');
    } else if (tab === 'original') {
      text = d.original ?? '';
      note = 'The text as first captured, before it was edited.';
    } else {
      text = d.raw;
    }
    if (d.masked && (tab === 'raw' || tab === 'pretty'))
      note = 'The SASL payload (credentials) is masked. Reveal shows it.';
    if (d.notice && tab === 'pretty') note = note ? `${note} ${d.notice}` : d.notice;
    setText(this.note, note);
    this.note.hidden = !note;
    // Wire text: invisible and direction-changing characters are shown as \uXXXX escapes. The
    // search marks are placed on the text as captured, then each piece is escaped on its own, so
    // the highlights stay on what matched.
    if (visibleControls(text) !== text) {
      const said = 'Invisible control characters are shown as \\uXXXX.';
      setText(this.note, note ? `${note} ${said}` : said);
      this.note.hidden = false;
    }
    const marks =
      tab === 'pretty'
        ? d.pretty !== undefined
          ? this.marks?.pretty
          : this.marks?.raw
        : tab === 'raw'
          ? this.marks?.raw
          : undefined;
    if (xml) {
      const frag = highlightXml(text);
      markTree(frag, marks);
      showControls(frag);
      this.body.replaceChildren(frag);
    } else setMarkedText(this.body, text, marks, visibleControls);
  }
}

/** Every text node under `root` with its invisible control characters written out. */
function showControls(root: Node): void {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n as Text;
    const shown = visibleControls(text.data);
    if (shown !== text.data) text.data = shown;
  }
}
