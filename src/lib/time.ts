/** The clock every verb reads; tests pass a fixed or moving one. Milliseconds since the epoch, UTC. */
export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

export const dayMs = 86_400_000

/** ISO 8601 string for a stored ms value, or null. The API speaks ISO; the database stores ms. */
export function toIso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString()
}
