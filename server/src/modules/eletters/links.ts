import { createHmac, randomInt } from 'node:crypto';
import { hashSecret } from '../../platform/crypto/secrets.js';

/**
 * The secrets that open a letter. The notification's link is derived from the provider's key and
 * the mailpiece, so that reminders carry the same link while only its hash is stored; a simple
 * letter's access code is random, single-use, stored hashed.
 */
export function linkToken(linkKey: Buffer, mailpieceId: string): string {
  return createHmac('sha256', linkKey).update(`eletter-link:${mailpieceId}`).digest('base64url');
}

export function accessLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}/r/${token}`;
}

/** Eight digits, written 1234-5678 (the outbox masks this form once delivered). */
export function defaultAccessCode(): string {
  const n = randomInt(0, 100_000_000).toString().padStart(8, '0');
  return `${n.slice(0, 4)}-${n.slice(4)}`;
}

/** Six digits, the text message's sign-in code. */
export function defaultTextCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

export function accessCodeHash(mailpieceId: string, code: string): string {
  return hashSecret(`eletter-code:${mailpieceId}:${code.replace(/\D/g, '')}`);
}
