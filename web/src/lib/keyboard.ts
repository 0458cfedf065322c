/**
 * Whether a key press belongs to a field where it types text — where a page's single-key
 * shortcuts (the scan station's steps, the returns desk's reasons) must not act.
 */
export function typesText(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['radio', 'checkbox', 'button', 'submit', 'file'].includes(target.type);
}
