import { ID_PATTERN } from '../ids/ids.js';

const URL = /https?:\/\/[^\s<>"')\]]+/g;
// A path segment or query value long enough to be a secret (single-use tokens are 43 characters).
const SECRET = /([/=])([A-Za-z0-9_-]{32,})(?=[/?#&]|$)/g;

/**
 * Links as staff may read them: the secret part of each (an activation or reset token) replaced
 * by dots, the rest of the message's shape kept. Pli's own ids are not secrets and stay.
 */
export function maskLinkSecrets(text: string): string {
  return text.replace(URL, (url) => url.replace(SECRET, (whole, sep: string, value: string) => (ID_PATTERN.test(value) ? whole : `${sep}••••••`))).replace(ACCESS_CODE, '••••-••••');
}

/** An e-letter's access code as its notification writes it (accessCodeText): masked too. */
const ACCESS_CODE = /\b\d{4}-\d{4}\b/g;

/** A text message keeps its shape, not its one-time code. */
export function maskTextCodes(text: string): string {
  return text.replace(/\b\d{6}\b/g, '••••••');
}
