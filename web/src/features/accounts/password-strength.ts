/** A rough, explainable strength score for the hint under a new password (never a rule). */
export type Strength = 'tooShort' | 'weak' | 'fair' | 'strong' | 'veryStrong';

export const MIN_PASSWORD_LENGTH = 12;

const COMMON = ['password', 'motdepasse', 'azerty', 'qwerty', '123456', 'abcdef', 'soleil', 'bonjour', 'admin', 'pli'];

export function passwordStrength(password: string, personal: string[] = []): Strength {
  if (password.length < MIN_PASSWORD_LENGTH) return 'tooShort';
  const lower = password.toLowerCase();
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  let score = 1;
  if (password.length >= 16) score += 1;
  if (password.length >= 20) score += 1;
  if (classes >= 3) score += 1;
  const words = personal
    .flatMap((text) => text.toLowerCase().split(/[^\p{L}\p{N}]+/u))
    .filter((word) => word.length >= 4);
  if ([...COMMON, ...words].some((word) => lower.includes(word))) score -= 2;
  if (new Set(password).size <= 4) score -= 2;
  if (score <= 1) return 'weak';
  if (score === 2) return 'fair';
  if (score === 3) return 'strong';
  return 'veryStrong';
}
