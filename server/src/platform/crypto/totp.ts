import { generateSecret, generateURI, verifySync } from 'otplib';
import QRCode from 'qrcode';

/** RFC 6238 codes (30 s, 6 digits, SHA-1: what every authenticator app reads). */
export function newTotpSecret(): string {
  return generateSecret();
}

export function totpUri(secret: string, account: string): string {
  return generateURI({ issuer: 'Pli', label: account, secret });
}

/**
 * Accepts the current code and its neighbours (±30 s of clock drift), but never a time step at or
 * before the last one accepted: a code seen over someone's shoulder cannot be used again.
 * Returns the step to remember, or null.
 */
export function verifyTotp(secret: string, code: string, at: Date, lastStep: number | null = null): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  try {
    const r = verifySync({ secret, token: code, epochTolerance: 30, epoch: Math.floor(at.getTime() / 1000), ...(lastStep !== null ? { afterTimeStep: lastStep } : {}) });
    return r.valid ? ((r as { timeStep?: number }).timeStep ?? null) : null;
  } catch {
    return null;
  }
}

export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}
