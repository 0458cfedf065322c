import { createHash } from 'node:crypto';
import { addDays, parisDay, parisIso, parisMidnight } from '#domain/time/paris.js';
import type { Clock } from '../clock/clock.js';
import { parseSuiviShipment } from './laposte-suivi.tracker.js';
import type { PostalTracker, TrackingAnswer } from './postal-tracking.port.js';

export interface SimulatedTrackerOptions {
  clock: Clock;
  /** When the letter was handed to La Poste; null when it was not (yet), or the number is not ours. */
  depositedAt: (number: string) => Promise<Date | null>;
}

/** How a number's simulated journey ends: about 1 in 10 is not collected and goes back to the sender. */
export type SimulatedOutcome = 'delivered' | 'returned';

export const SIMULATED_LABELS = {
  PC1: 'Votre envoi a été pris en charge par La Poste.',
  ET1: 'Votre envoi est en cours de traitement sur notre plateforme.',
  MD2: 'Votre envoi est en cours de distribution par votre facteur.',
  DI1: 'Votre envoi a été distribué à son destinataire.',
  AG1: "Le destinataire était absent lors du passage du facteur : votre envoi l'attend 15 jours dans le bureau de poste indiqué sur l'avis de passage.",
  RE1: "Votre envoi n'a pas été retiré dans le délai imparti : il est retourné à l'expéditeur.",
} as const;

type SimulatedCode = keyof typeof SIMULATED_LABELS;

function hashOf(number: string): Buffer {
  return createHash('sha256').update(number.trim().toUpperCase()).digest();
}

export function simulatedOutcome(number: string): SimulatedOutcome {
  return hashOf(number).readUInt32BE(0) % 10 === 0 ? 'returned' : 'delivered';
}

/**
 * The default set-up's stand-in for La Poste's Suivi API, without network: a plausible journey
 * derived from the deposit time and the number (the same number always travels the same way), cut
 * at clock.now(), written as Suivi's body and read back by the real parser.
 */
export function createSimulatedTracker(opts: SimulatedTrackerOptions): PostalTracker {
  return {
    async track(number): Promise<TrackingAnswer> {
      const deposit = await opts.depositedAt(number);
      const now = opts.clock.now().getTime();
      // Before deposit La Poste has never heard of the number.
      if (deposit === null || deposit.getTime() > now) return { kind: 'unknown', number };
      const journey = simulatedJourney(number, deposit);
      const shown = journey.filter((e) => e.at.getTime() <= now);
      const last = shown[shown.length - 1];
      const final = last !== undefined && (last.code === 'DI1' || last.code === 'RE1');
      const delivered = shown.find((e) => e.code === 'DI1');
      const body = {
        lang: 'fr_FR',
        scope: 'open',
        returnCode: 200,
        shipment: {
          idShip: number,
          holder: 1,
          product: 'Lettre recommandée',
          isFinal: final,
          entryDate: parisIso(journey[0]!.at),
          ...(delivered === undefined ? {} : { deliveryDate: parisIso(delivered.at) }),
          timeline: timeline(shown.map((e) => e.code)),
          event: shown
            .map((e) => ({ code: e.code, label: SIMULATED_LABELS[e.code], date: parisIso(e.at) }))
            .reverse(),
          url: `https://www.laposte.fr/outils/suivre-vos-envois?code=${encodeURIComponent(number)}`,
        },
      };
      return parseSuiviShipment(number, body);
    },
  };
}

/** The whole journey, oldest first, to the second as Suivi gives it. */
function simulatedJourney(number: string, deposit: Date): Array<{ code: SimulatedCode; at: Date }> {
  const h = hashOf(number);
  const depositAt = Math.floor(deposit.getTime() / 1000) * 1000;
  // 1 to 6 hours: always before the next morning's round.
  const sorted = depositAt + (60 + (h[4]! % 300)) * 60_000;
  let round = nextRoundDay(parisDay(deposit));
  if (h[5]! % 2 === 1) round = nextRoundDay(round);
  const journey: Array<{ code: SimulatedCode; at: Date }> = [
    { code: 'PC1', at: new Date(depositAt) },
    { code: 'ET1', at: new Date(sorted) },
    { code: 'MD2', at: parisWallClock(round, 7 * 60 + 45 + (h[6]! % 30)) },
  ];
  const knock = parisWallClock(round, 10 * 60 + 30 + (h[7]! % 60));
  if (simulatedOutcome(number) === 'delivered') {
    journey.push({ code: 'DI1', at: knock });
  } else {
    journey.push({ code: 'AG1', at: knock }, { code: 'RE1', at: parisWallClock(addDays(round, 15), 9 * 60 + (h[8]! % 60)) });
  }
  return journey;
}

/** The next day with a postman's round: La Poste delivers letters Monday to Saturday (holidays ignored). */
function nextRoundDay(day: string): string {
  let next = addDays(day, 1);
  if (new Date(`${next}T00:00:00Z`).getUTCDay() === 0) next = addDays(next, 1);
  return next;
}

/** Minutes after a Paris midnight; an hour off on the two days the clocks change, which a simulation can bear. */
function parisWallClock(day: string, minutes: number): Date {
  return new Date(parisMidnight(day).getTime() + minutes * 60_000);
}

// Suivi's timeline: five steps, each reached or not.
function timeline(codes: SimulatedCode[]): Array<{ id: number; shortLabel: string; status: boolean; type: number; country: string }> {
  const reached = new Set(codes);
  const steps: Array<[string, boolean]> = [
    ['Déclaré', true],
    ['Pris en charge', reached.has('PC1')],
    ["En cours d'acheminement", reached.has('ET1')],
    ['Prêt à être distribué', reached.has('MD2')],
    [reached.has('RE1') ? "Retourné à l'expéditeur" : 'Distribué', reached.has('DI1') || reached.has('RE1')],
  ];
  return steps.map(([shortLabel, status], i) => ({ id: i + 1, shortLabel, status, type: 1, country: 'FR' }));
}

