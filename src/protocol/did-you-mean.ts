/**
 * The one "did you mean" of nutshell, used by the NUT file readers, the native config, the
 * rules language and the command line. It lives in protocol/ because it is pure text work
 * and protocol/ may import nothing else from src/ (DESIGN.md), while every other layer may
 * import protocol/.
 *
 * A candidate is suggested when it is within a third of the word's length in edits (at
 * least 1, at most 4; swapping two neighbours counts as one edit), case-insensitively, or
 * when one is an abbreviation of the other (`SHUTDOWNCMD` / `SHUTDOWNCOMMAND`,
 * `shutdownCmd` / `shutdownCommand`): same first letters, and the shorter one's letters
 * appear in order in the longer one.
 */

/** Edit distance (optimal string alignment), giving up once it cannot stay within `max`. */
export function editDistance(a: string, b: string, max = 4): number {
  if (Math.abs(a.length - b.length) > max) return max + 1
  let before: number[] = []
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    let best = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let value = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      )
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (before[j - 2] as number) + 1)
      }
      current.push(value)
      if (value < best) best = value
    }
    if (best > max) return max + 1
    before = previous
    previous = current
  }
  return previous[b.length] as number
}

/** Whether `short` is an abbreviation of `long` (both lower case). */
function abbreviates(short: string, long: string): boolean {
  if (short.length < 4 || short.length >= long.length || short.length * 2 < long.length) {
    return false
  }
  if (short.slice(0, 3) !== long.slice(0, 3)) return false
  let j = 0
  for (const ch of long) if (j < short.length && ch === short[j]) j++
  return j === short.length
}

/** The closest candidate to a misspelt word, or undefined when none is plausibly meant. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  if (word.length > 64) return undefined
  const lower = word.toLowerCase()
  const max = Math.min(4, Math.max(1, Math.floor(word.length / 3)))
  let best: string | undefined
  let bestDistance = max + 1
  let abbreviation: string | undefined
  for (const candidate of candidates) {
    const c = candidate.toLowerCase()
    if (c === lower) return candidate
    const d = editDistance(lower, c, max)
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
    if (abbreviation === undefined && (abbreviates(lower, c) || abbreviates(c, lower))) {
      abbreviation = candidate
    }
  }
  return best ?? abbreviation
}

/** ` Did you mean 'x'?` to append to a sentence, or nothing. */
export function didYouMean(guess: string | undefined): string {
  return guess === undefined ? '' : ` Did you mean '${guess}'?`
}
