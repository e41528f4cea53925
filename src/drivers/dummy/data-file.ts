/**
 * dummy-ups data files (`.dev`, `.seq`): what they mean, as Debian's dummy-ups 2.8.0 reads
 * them (reference: nut-protocol.md section 5). Each logical line is tokenized with NUT's
 * rules (protocol/tokenizer.ts), then:
 *
 * - `<name>: <value words...>` sets a variable. The first word is cut at its first `:`;
 *   the other words are joined with single spaces, so quotes go, runs of spaces collapse
 *   unless quoted, and `a=b` becomes `a = b` (the tokenizer makes `=` a word of its own).
 * - `TIMER <seconds>` pauses the replay.
 * - `driver.*` lines are skipped: those variables belong to the driver.
 *
 * Where dummy-ups silently keeps garbage, this parser reports a diagnostic instead
 * (docs/compatibility.md, "dummy-ups driver"): a line without a value (dummy-ups reuses the
 * previous line's value, or uninitialised memory), a line with a tokenizer error (dummy-ups
 * resumes in the middle of the line), text glued to the colon (`ups.status:OL`: dummy-ups
 * drops it; we keep it and warn). Values are kept whole (dummy-ups cuts them near 127
 * characters: see nutKeptValue).
 *
 * Pure and total: never throws.
 */
import { tokenize } from '../../protocol/tokenizer.ts'

export type DummyStep =
  | { kind: 'set'; name: string; value: string; line: number }
  | { kind: 'timer'; seconds: number; line: number }

export interface DummyDiagnostic {
  /** 1-based line and column where the problem is. */
  line: number
  column: number
  /** `error`: the line was skipped. `warning`: the line was used as described. */
  severity: 'error' | 'warning'
  message: string
}

export interface DummyData {
  steps: DummyStep[]
  diagnostics: DummyDiagnostic[]
}

/**
 * What dummy-ups 2.8.0 keeps of a value (observed): one word is cut at 127 characters;
 * several words are joined each followed by a space, cut at 127 characters, and the last
 * character (meant to be the final space) is dropped, so 126 remain. nutshell keeps the
 * whole value; this is for the warning and for the tests that compare with dummy-ups.
 */
export function nutKeptValue(words: readonly string[]): string {
  if (words.length === 1) return (words[0] ?? '').slice(0, 127)
  const joined = words.map((w) => `${w} `).join('')
  return joined.length <= 127 ? joined.slice(0, -1) : joined.slice(0, 126)
}

export function parseDummyData(text: string): DummyData {
  const steps: DummyStep[] = []
  const diagnostics: DummyDiagnostic[] = []
  const lineStarts = lineStartOffsets(text)
  const position = (offset: number): { line: number; column: number } => {
    const line = lineOf(lineStarts, offset)
    return { line, column: offset - (lineStarts[line - 1] ?? 0) + 1 }
  }
  const report = (offset: number, severity: DummyDiagnostic['severity'], message: string): void => {
    diagnostics.push({ ...position(offset), severity, message })
  }

  for (const tokenized of tokenize(text)) {
    const { words, offsets, error } = tokenized
    const start = offsets[0] ?? lineStarts[tokenized.line - 1] ?? 0
    if (error !== undefined) {
      report(error.offset, 'error', `${error.message}; line skipped`)
      continue
    }
    const first = words[0]
    if (first === undefined) continue

    if (first.startsWith('TIMER')) {
      steps.push({
        kind: 'timer',
        seconds: timerSeconds(words, start, report),
        line: position(start).line,
      })
      if (first !== 'TIMER')
        report(start, 'warning', `"${first}" is read as TIMER (as dummy-ups does)`)
      continue
    }

    const colon = first.indexOf(':')
    const name = colon < 0 ? first : first.slice(0, colon)
    const valueWords = words.slice(1)
    if (colon < 0) {
      report(start, 'warning', `no ":" after the variable name "${first}"; write "${first}: value"`)
    } else if (colon < first.length - 1) {
      const glued = first.slice(colon + 1)
      valueWords.unshift(glued)
      report(
        start + colon + 1,
        'warning',
        `value "${glued}" is glued to the colon; write "${name}: ${glued}" (dummy-ups ignores it)`,
      )
    }
    if (name === '') {
      report(start, 'error', 'no variable name before ":"; line skipped')
      continue
    }
    if (/[\s"]/.test(name)) {
      report(
        start,
        'error',
        `variable name ${JSON.stringify(name)} holds spaces or quotes; line skipped`,
      )
      continue
    }
    if (name.toLowerCase().startsWith('driver.')) {
      report(start, 'warning', `${name} belongs to the driver; line skipped (as dummy-ups does)`)
      continue
    }
    if (valueWords.length === 0) {
      report(
        start,
        'error',
        `no value for ${name}; write "${name}: value" (or "${name}: \\"\\"" to delete it)`,
      )
      continue
    }
    const value = valueWords.join(' ')
    const kept = nutKeptValue(valueWords)
    if (kept !== value) {
      report(
        start,
        'warning',
        `value of ${name} is ${value.length} characters; kept whole (dummy-ups keeps ${kept.length})`,
      )
    }
    steps.push({ kind: 'set', name, value, line: position(start).line })
  }
  return { steps, diagnostics }
}

/**
 * dummy-ups reads the seconds with C's atoi: `TIMER 5s` is 5, `TIMER x` and a bare `TIMER`
 * are 0. Decimals are accepted here (`TIMER 0.5`); anything atoi would misread is reported.
 */
function timerSeconds(
  words: string[],
  start: number,
  report: (offset: number, severity: DummyDiagnostic['severity'], message: string) => void,
): number {
  const argument = words[1]
  if (argument === undefined) {
    report(start, 'warning', 'TIMER without seconds; read as TIMER 0')
    return 0
  }
  if (words.length > 2) report(start, 'warning', 'TIMER takes one number; the rest is ignored')
  const match = /^[+-]?(\d+(\.\d*)?|\.\d+)/.exec(argument)
  const seconds = match === null ? 0 : Number(match[0])
  if (match === null || match[0] !== argument) {
    report(
      start,
      'warning',
      `TIMER "${argument}" is not a number of seconds; read as ${Math.max(0, seconds)}`,
    )
  }
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 0
}

function lineStartOffsets(text: string): number[] {
  const starts = [0]
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1)
  return starts
}

/** 1-based line holding `offset` (binary search over line starts). */
function lineOf(starts: number[], offset: number): number {
  let low = 0
  let high = starts.length - 1
  while (low < high) {
    const mid = (low + high + 1) >> 1
    if ((starts[mid] ?? 0) <= offset) low = mid
    else high = mid - 1
  }
  return low + 1
}

/**
 * A powerman device script given to dummy-ups by mistake (both use `.dev`): replaying it
 * would set nonsense variables, so the driver refuses it and names the driver that runs
 * it. Returns the message, or undefined for a data file.
 */
export function powermanScriptMistake(text: string, path: string): string | undefined {
  const m = /^[ \t]*specification[ \t]+"([^"\n]*)"[ \t]*\{?/m.exec(text)
  if (m === null) return undefined
  return (
    `${path} is a powerman device script (specification "${m[1]}"), not a dummy-ups data file; ` +
    `run it with the script driver: driver = script, port = where the device is, ` +
    `script = ${path} (docs/scripts.md)`
  )
}
