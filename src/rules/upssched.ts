import { tokenize } from '../protocol/tokenizer.ts'
import type { Action, Rule, RulesFile, Span, StringLit, Word } from './ast.ts'
import { type Diagnostic, diagnostic } from './diagnostics.ts'
import { printRules } from './printer.ts'

/**
 * upssched.conf as a rules source, with upssched's meaning (reference 3.7):
 * - `AT <event> <ups|*> START-TIMER name secs` → `on EVENT { start timer name secs }`
 * - `AT ... CANCEL-TIMER name [cmd]` → `cancel timer name [else { exec [CMDSCRIPT, cmd] }]`
 * - `AT ... EXECUTE cmd` → `exec [CMDSCRIPT, cmd]`
 * - each timer started gets `on timer name { exec [CMDSCRIPT, name] }`: upssched runs
 *   `CMDSCRIPT name` when a timer expires.
 * upssched runs `system("CMDSCRIPT arg")`, so both the script line and the argument are
 * split on blanks here and run without a shell. PIPEFN and LOCKFN are not needed (timers
 * run inside nutshell) and are only checked for presence, as upssched requires them
 * before the first AT. An `AT` for `ups@host` applies to the device named `ups`.
 * Differences (docs/rules.md): timers are per device, and a second START of a running
 * timer restarts it instead of adding a second one.
 *
 * A minimal reader written for the rules engine (the protocol layer had no upssched
 * parser yet); it uses NUT's tokenizer. Never throws.
 */
export interface UpsschedResult {
  file: RulesFile
  diagnostics: Diagnostic[]
}

const commands = ['START-TIMER', 'CANCEL-TIMER', 'EXECUTE'] as const

export function looksLikeUpssched(name: string, text: string): boolean {
  if (/upssched[^/]*\.conf$/i.test(name)) return true
  const first = tokenize(text).find((l) => l.words.length > 0)?.words[0]
  return first === 'CMDSCRIPT' || first === 'PIPEFN' || first === 'LOCKFN' || first === 'AT'
}

export function parseUpssched(text: string): UpsschedResult {
  const diagnostics: Diagnostic[] = []
  const rules: Rule[] = []
  const timers: Array<{ name: string; span: Span }> = []
  let cmdscript: string[] | undefined
  const seen = new Set<string>()
  for (const line of tokenize(text, { continueQuotesAcrossLines: true })) {
    const offsets = line.offsets
    const lineSpan: Span = { start: offsets[0] ?? 0, end: endOf(text, offsets[0] ?? 0) }
    const wordSpan = (i: number): Span => {
      const start = offsets[i] ?? lineSpan.start
      return { start, end: start + Math.max(1, (line.words[i] ?? '').length) }
    }
    if (line.error !== undefined) {
      diagnostics.push(
        diagnostic(
          'RULE1001',
          { start: line.error.offset, end: line.error.offset + 1 },
          `upssched.conf: ${line.error.message}.`,
        ),
      )
      continue
    }
    const [keyword, ...args] = line.words
    if (keyword === undefined) continue
    if (keyword === 'CMDSCRIPT' || keyword === 'PIPEFN' || keyword === 'LOCKFN') {
      seen.add(keyword)
      if (args.length !== 1)
        diagnostics.push(diagnostic('RULE1005', lineSpan, `${keyword} takes one path.`))
      if (keyword === 'CMDSCRIPT' && args[0] !== undefined)
        cmdscript = args[0].split(/\s+/).filter((w) => w !== '')
      continue
    }
    if (keyword !== 'AT') {
      diagnostics.push(
        diagnostic('RULE1007', wordSpan(0), `Unknown upssched.conf directive '${keyword}'.`, {
          advice: 'upssched.conf knows CMDSCRIPT, PIPEFN, LOCKFN and AT.',
          severity: 'warning',
        }),
      )
      continue
    }
    for (const needed of ['CMDSCRIPT', 'PIPEFN', 'LOCKFN'])
      if (!seen.has(needed)) {
        seen.add(needed)
        diagnostics.push(
          diagnostic('RULE1014', wordSpan(0), `${needed} must be set before the first AT.`, {
            advice:
              needed === 'CMDSCRIPT'
                ? 'upssched runs CMDSCRIPT for EXECUTE and for expired timers.'
                : `upssched refuses the file without it; nutshell does not use ${needed}.`,
            severity: needed === 'CMDSCRIPT' ? 'error' : 'warning',
          }),
        )
      }
    const [event, ups, command, arg1, arg2] = args
    if (event === undefined || ups === undefined || command === undefined || arg1 === undefined) {
      diagnostics.push(
        diagnostic(
          'RULE1005',
          lineSpan,
          'AT needs: AT <notifytype> <upsname|*> <command> <argument> [<argument>].',
        ),
      )
      continue
    }
    const upper = command.toUpperCase()
    if (!(commands as readonly string[]).includes(upper)) {
      diagnostics.push(
        diagnostic('RULE1008', wordSpan(3), `Unknown upssched command '${command}'.`, {
          advice: 'Commands: START-TIMER, CANCEL-TIMER, EXECUTE.',
        }),
      )
      continue
    }
    const script = (cmd: string, span: Span): Action => ({
      kind: 'exec',
      argv: [
        ...(cmdscript ?? ['CMDSCRIPT-NOT-SET']),
        ...cmd.split(/\s+/).filter((w) => w !== ''),
      ].map((value) => lit(value, span)),
      timeout: undefined,
      span,
    })
    let action: Action | undefined
    if (upper === 'START-TIMER') {
      const seconds = Number(arg2)
      if (arg2 === undefined || !/^-?\d+$/.test(arg2)) {
        diagnostics.push(
          diagnostic('RULE1012', wordSpan(5), 'START-TIMER needs a whole number of seconds.'),
        )
        continue
      }
      if (seconds < 0) {
        diagnostics.push(
          diagnostic(
            'RULE2011',
            wordSpan(5),
            'A negative timer is ignored, as upssched ignores it.',
            { severity: 'warning' },
          ),
        )
        continue
      }
      timers.push({ name: arg1, span: wordSpan(4) })
      action = {
        kind: 'start-timer',
        name: word(arg1, wordSpan(4)),
        duration: { seconds, text: `${seconds}s`, span: wordSpan(5) },
        span: lineSpan,
      }
    } else if (upper === 'CANCEL-TIMER') {
      action = {
        kind: 'cancel-timer',
        name: word(arg1, wordSpan(4)),
        otherwise: arg2 === undefined ? undefined : [script(arg2, wordSpan(5))],
        span: lineSpan,
      }
    } else action = script(arg1, wordSpan(4))
    const eventRef = {
      device: ups === '*' ? undefined : deviceOf(ups),
      name: event.toUpperCase(),
      span: wordSpan(1),
    }
    rules.push({ kind: 'on', events: [eventRef], body: [action], span: lineSpan })
  }
  const handled = new Set<string>()
  for (const timer of timers) {
    if (handled.has(timer.name)) continue
    handled.add(timer.name)
    rules.push({
      kind: 'timer',
      name: word(timer.name, timer.span),
      body: [
        {
          kind: 'exec',
          argv: [...(cmdscript ?? ['CMDSCRIPT-NOT-SET']), timer.name].map((v) =>
            lit(v, timer.span),
          ),
          timeout: undefined,
          span: timer.span,
        },
      ],
      span: timer.span,
    })
  }
  return { file: { rules }, diagnostics }
}

/** The rules text `nutshell rules import-upssched` prints. */
export function upsschedToRules(
  name: string,
  text: string,
): { text: string; diagnostics: Diagnostic[] } {
  const { file, diagnostics } = parseUpssched(text)
  const header = [
    `# Converted from ${name} by nutshell rules import-upssched.`,
    '# PIPEFN and LOCKFN are not needed: timers run inside nutshell, on its clock.',
    '# Timers are kept per device; starting a running timer restarts it.',
    '',
  ].join('\n')
  return { text: `${header}${printRules(file)}`, diagnostics }
}

/** `ups@host:port` names the device `ups` here; the rules see local device names. */
function deviceOf(ups: string): string {
  return ups.split('@')[0] ?? ups
}

function word(text: string, span: Span): Word {
  return { text, quoted: !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(text), span }
}

function lit(value: string, span: Span): StringLit {
  return { value, span }
}

function endOf(text: string, start: number): number {
  const newline = text.indexOf('\n', start)
  return newline < 0 ? text.length : newline
}
