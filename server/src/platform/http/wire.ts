/** Wire-format helpers shared by presenters: times are RFC 3339 UTC strings (api.md). */
export function isoTime(d: Date | string): string {
  return new Date(d).toISOString();
}

export function isoTimeOrNull(d: Date | string | null): string | null {
  return d === null ? null : isoTime(d);
}
