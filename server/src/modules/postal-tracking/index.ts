/** The postal tracking connector (M-6.a): registered numbers followed through La Poste's tracking. */
export { depositedAtOf, enlistDeposited, pollPostalTracking, type PostalTrackingDeps, type PollOutcome } from './polling.js';
