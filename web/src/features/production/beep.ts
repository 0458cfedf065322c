// The scan station's sounds, made with WebAudio (no audio files): a short high beep when a scan
// is taken, a low buzz when it is refused — the operator hears the answer without looking up.

let context: AudioContext | null = null;

/**
 * Prepares the sound while the browser still counts the key press as the person's gesture
 * (browsers keep audio silent until then). Call it in the Enter handler, before any await.
 */
export function wakeAudio(): void {
  try {
    if (!context) {
      const Ctor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
      if (!Ctor) return;
      context = new Ctor();
    }
    if (context.state === 'suspended') void context.resume().catch(() => undefined);
  } catch {
    context = null; // no audio here: the station works in silence
  }
}

function tone(frequency: number, seconds: number, type: OscillatorType, volume: number): void {
  if (!context || context.state !== 'running') return;
  try {
    const start = context.currentTime;
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = type;
    oscillator.frequency.value = frequency;
    // A short fade in and out: no click at either end.
    gain.gain.setValueAtTime(0, start);
    gain.gain.linearRampToValueAtTime(volume, start + 0.01);
    gain.gain.setValueAtTime(volume, start + seconds - 0.02);
    gain.gain.linearRampToValueAtTime(0, start + seconds);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(start);
    oscillator.stop(start + seconds);
  } catch {
    // a sound is a nicety, never a failure
  }
}

/** Taken: one short high beep. */
export function beepOk(): void {
  tone(1760, 0.09, 'sine', 0.25);
}

/** Refused: a low buzz, longer. */
export function beepRefused(): void {
  tone(140, 0.35, 'square', 0.15);
}
