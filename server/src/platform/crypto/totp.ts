import { generateSecret, generateURI, verifySync } from 'otplib';
import QRCode from 'qrcode';

/** RFC 6238 codes (30 s, 6 digits, SHA-1: what every authenticator app reads). */
export function newTotpSecret(): string {
  return generateSecret();
}

export function totpUri(secret: string, account: string): string {
  return generateURI({ issuer: 'Pli', label: account, secret });
}

/** Accepts the current code and its neighbours (±30 s of clock drift). */
export function verifyTotp(secret: string, code: string, at: Date): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  try {
    const r = verifySync({ secret, token: code, epochTolerance: 30, epoch: Math.floor(at.getTime() / 1000) });
    return r.valid;
  } catch {
    return false;
  }
}

export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}
