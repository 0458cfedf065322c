/**
 * Franking (spec §8): what La Poste is paid for one mailpiece — the postage of its class and
 * weight step, plus the registered fee of its level and the AR card when it has them — at the
 * prices of the order's frozen quote, so that what is franked is what the client was quoted.
 */
export interface FrankedMailpiece {
  mailClass: 'priority' | 'non_priority' | 'registered';
  postageStep: string;
  registeredLevel: 'R1' | 'R2' | 'R3' | null;
  acknowledgement: boolean;
}

export function frankingCents(quoteLines: ReadonlyArray<{ code: string; unit_cents: number }>, mp: FrankedMailpiece): number {
  const price = (code: string) => {
    const line = quoteLines.find((l) => l.code === code);
    if (!line) throw new RangeError(`the order's quote has no ${code} line`);
    return line.unit_cents;
  };
  let cents = price(`postage_${mp.mailClass}_${mp.postageStep}`);
  if (mp.mailClass === 'registered') {
    cents += price(`registered_${(mp.registeredLevel ?? 'R1').toLowerCase()}`);
    if (mp.acknowledgement) cents += price('acknowledgement');
  }
  return cents;
}
