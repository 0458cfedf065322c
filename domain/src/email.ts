/** One spelling of an e-mail address: accounts are found by it whatever case people type. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function looksLikeEmail(email: string): boolean {
  return email.length <= 254 && EMAIL.test(email);
}
