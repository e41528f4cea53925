/** Durations of the native config: `90`, `1.5s`, `2m`, `1h30m`, `500ms`. */
const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** Parses a duration text with units into milliseconds; undefined when invalid. */
export function parseDuration(textValue: string): number | undefined {
  const trimmed = textValue.trim()
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(trimmed)) return undefined
  let total = 0
  for (const m of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) {
    total += Number(m[1]) * (units[m[2] as string] as number)
  }
  return Math.round(total)
}
