import { describeCheck, verifyBundle, type Verification } from '#verifier/verify.js';

/**
 * The offline verifier page (/verify/): a file and its proof bundle, checked in the browser with
 * the same code as `npm run pli -- verify` — nothing is sent anywhere, and it works with the
 * network off once loaded (it can also be saved and opened from disk). French and English.
 */
type Lang = 'fr' | 'en';

const TEXT = {
  fr: {
    title: 'Vérifier une preuve d’archivage',
    lead: 'Choisissez le document et son dossier de preuve (.proof.json). La vérification se fait entièrement dans ce navigateur, sans réseau\u00a0: rien n’est envoyé.',
    file: 'Document archivé',
    bundle: 'Dossier de preuve',
    bundleHint: '(fichier .proof.json téléchargé depuis Pli)',
    root: 'Certificat racine de confiance',
    rootHint: '(facultatif\u00a0: la racine publiée par Pli, pour l’exiger)',
    verify: 'Vérifier',
    working: 'Vérification…',
    ok: (at: string) => `Vérifié ✓ à ${at}\u00a0: ce document est celui que Pli a archivé, et sa preuve tient.`,
    ko: 'Non vérifié ✗\u00a0: voir ci-dessous ce qui ne tient pas.',
    unreadable: 'Un des fichiers n’a pas pu être lu.',
    note: 'Aussi en ligne de commande\u00a0: npm run pli -- verify <document> <preuve.json>. Le jeton d’horodatage se vérifie aussi avec openssl ts -verify.',
  },
  en: {
    title: 'Verify an archive proof',
    lead: 'Choose the document and its proof bundle (.proof.json). The check runs entirely in this browser, with no network: nothing is sent.',
    file: 'Archived document',
    bundle: 'Proof bundle',
    bundleHint: '(the .proof.json file downloaded from Pli)',
    root: 'Trusted root certificate',
    rootHint: '(optional: the root Pli publishes, to require it)',
    verify: 'Verify',
    working: 'Verifying…',
    ok: (at: string) => `Verified ✓ at ${at}: this document is the one Pli archived, and its proof holds.`,
    ko: 'Not verified ✗: see below what does not hold.',
    unreadable: 'One of the files could not be read.',
    note: 'Also on the command line: npm run pli -- verify <document> <proof.json>. The time-stamp token also checks with openssl ts -verify.',
  },
} as const;

let lang: Lang = (localStorage.getItem('pli.language') ?? navigator.language).toLowerCase().startsWith('en') ? 'en' : 'fr';
let last: { result: Verification; at: Date } | null = null;

const root = document.getElementById('verifier')!;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> & Record<string, unknown> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k.startsWith('aria-') || k === 'for' || k === 'data-testid' || k === 'lang') node.setAttribute(k, String(v));
    else (node as unknown as Record<string, unknown>)[k] = v;
  }
  node.append(...children);
  return node;
}

function fileField(id: string, label: string, hint: string, accept?: string): HTMLInputElement {
  const input = el('input', { type: 'file', id, ...(accept ? { accept } : {}) });
  root.append(el('label', { for: id }, label, ' ', el('small', {}, hint)), input);
  return input;
}

const read = (input: HTMLInputElement) => input.files?.[0]?.arrayBuffer() ?? Promise.resolve(null);

function render(): void {
  const t = TEXT[lang];
  document.documentElement.lang = lang;
  document.title = `${t.title} — Pli`;
  root.replaceChildren();
  const switcher = el('div', { className: 'lang', role: 'group', 'aria-label': lang === 'fr' ? 'Langue' : 'Language' });
  for (const l of ['fr', 'en'] as const) {
    switcher.append(
      el('button', { type: 'button', textContent: l.toUpperCase(), lang: l, title: l === 'fr' ? 'Français' : 'English', 'aria-label': l === 'fr' ? 'Français' : 'English', 'aria-pressed': String(l === lang), onclick: () => ((lang = l), localStorage.setItem('pli.language', l), render()) }),
    );
  }
  root.append(switcher, el('h1', {}, t.title), el('p', { className: 'lead' }, t.lead));
  const file = fileField('file', t.file, '');
  const bundle = fileField('bundle', t.bundle, t.bundleHint, '.json,application/json');
  const pinned = fileField('root', t.root, t.rootHint, '.pem,.crt');
  const button = el('button', { type: 'button', textContent: t.verify, disabled: true });
  const enable = () => (button.disabled = !file.files?.length || !bundle.files?.length);
  file.onchange = enable;
  bundle.onchange = enable;
  const out = el('section', { 'aria-live': 'polite' });
  button.onclick = async () => {
    button.disabled = true;
    button.textContent = t.working;
    try {
      const [f, b, r] = await Promise.all([read(file), read(bundle), read(pinned)]);
      if (!f || !b) throw new Error('unreadable');
      const result = await verifyBundle(new Uint8Array(f), new TextDecoder().decode(b), r ? { pinnedRoot: new TextDecoder().decode(r) } : {});
      last = { result, at: new Date() };
      show(out);
    } catch {
      out.replaceChildren(el('div', { className: 'verdict ko' }, t.unreadable));
    } finally {
      button.textContent = t.verify;
      enable();
    }
  };
  root.append(button, out, el('p', { className: 'note' }, t.note));
  if (last) show(out);
}

function show(out: HTMLElement): void {
  if (!last) return;
  const t = TEXT[lang];
  const at = last.at.toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB');
  out.replaceChildren(
    el('div', { className: `verdict ${last.result.ok ? 'ok' : 'ko'}`, 'data-testid': 'verdict' }, last.result.ok ? t.ok(at) : t.ko),
    el('ul', { className: 'checks' }, ...last.result.checks.map((c) => el('li', { className: c.ok ? 'ok' : 'ko' }, describeCheck(c, lang)))),
  );
}

render();
