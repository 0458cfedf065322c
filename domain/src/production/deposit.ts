/**
 * The deposit slip (bordereau de dépôt, spec §8): per batch and mail class, how many mailpieces
 * in each weight step and what their postage comes to, with the registered numbers listed.
 */
export interface DepositLine {
  mailClass: 'priority' | 'non_priority' | 'registered';
  postageStep: string;
  postageCents: number;
  trackingNumber: string | null;
}

export interface DepositSlip {
  classes: Array<{
    mailClass: DepositLine['mailClass'];
    steps: Array<{ step: string; count: number; postageCents: number }>;
    count: number;
    postageCents: number;
    registeredNumbers: string[];
  }>;
  count: number;
  postageCents: number;
}

const STEP_ORDER = ['20g', '100g', '250g', '500g', '1kg', '2kg'];
const CLASS_ORDER: DepositLine['mailClass'][] = ['priority', 'non_priority', 'registered'];

export function depositSlip(lines: readonly DepositLine[]): DepositSlip {
  const classes = CLASS_ORDER.map((mailClass) => {
    const own = lines.filter((l) => l.mailClass === mailClass);
    const steps = [...new Set(own.map((l) => l.postageStep))]
      .sort((a, b) => STEP_ORDER.indexOf(a) - STEP_ORDER.indexOf(b))
      .map((step) => {
        const at = own.filter((l) => l.postageStep === step);
        return { step, count: at.length, postageCents: at.reduce((s, l) => s + l.postageCents, 0) };
      });
    return {
      mailClass,
      steps,
      count: own.length,
      postageCents: steps.reduce((s, x) => s + x.postageCents, 0),
      registeredNumbers: own.flatMap((l) => (l.trackingNumber ? [l.trackingNumber] : [])).sort(),
    };
  }).filter((c) => c.count > 0);
  return { classes, count: lines.length, postageCents: classes.reduce((s, c) => s + c.postageCents, 0) };
}
