/**
 * Registered-mail numbers (spec §9): 13 characters — the provider's 2-character prefix, a
 * 10-digit serial from the range La Poste allotted, and a check digit (mod 10, weights 1 and 3
 * from the left, as in EAN: the spec's example 1E00232062142 checks) that catches a mistyped or
 * misread digit and most swapped neighbours. Ranges are used in order, each number once: never reused, never
 * skipped without a trace.
 */
export function checkDigit(serial: string): number {
  let sum = 0;
  for (let i = 0; i < serial.length; i++) sum += Number(serial[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

export function registeredNumber(prefix: string, serial: number): string {
  if (!/^[0-9A-Z]{2}$/.test(prefix)) throw new RangeError(`prefix ${prefix}: two capital letters or digits`);
  if (!Number.isInteger(serial) || serial < 0 || serial > 9_999_999_999) throw new RangeError(`serial ${serial}: 0 to 9,999,999,999`);
  const digits = String(serial).padStart(10, '0');
  return `${prefix}${digits}${checkDigit(digits)}`;
}

export function isRegisteredNumber(text: string): boolean {
  const m = /^([0-9A-Z]{2})(\d{10})(\d)$/.exec(text);
  return m !== null && checkDigit(m[2]!) === Number(m[3]);
}

export interface RegisteredRange {
  prefix: string;
  firstSerial: number;
  lastSerial: number;
  /** The next serial to give out; lastSerial + 1 once the range is used up. */
  nextSerial: number;
}

/** The next `count` numbers of a range, or how many are left when it cannot give that many. */
export function allocate(range: RegisteredRange, count: number): { numbers: string[]; nextSerial: number } | { short: number } {
  const left = range.lastSerial - range.nextSerial + 1;
  if (count > left) return { short: count - left };
  const numbers = Array.from({ length: count }, (_, i) => registeredNumber(range.prefix, range.nextSerial + i));
  return { numbers, nextSerial: range.nextSerial + count };
}
