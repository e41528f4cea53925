import { parseUpsschedConf } from '../protocol/nut-config/upssched-conf.ts'
import { tokenize } from '../protocol/tokenizer.ts'
import type { Action, Rule, RulesFile, Span, StringLit, Word } from './ast.ts'
import { type Diagnostic, type DiagnosticCode, diagnostic } from './diagnostics.ts'
import { printRules } from './printer.ts'
import { SourceFile } from './source.ts'

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
 * The file is read by the protocol layer's upssched.conf reader (the one `nutshell config
 * check` uses); this module turns what it read into rules. Never throws.
 */
export interface UpsschedResult {
  file: RulesFile
  diagnostics: Diagnostic[]
}

export function looksLikeUpssched(name: string, text: string): boolean {
  if (/upssched[^/]*\.conf$/i.test(name)) return true
  const first = tokenize(text).find((l) => l.words.length > 0)?.words[0]
  return first === 'CMDSCRIPT' || first === 'PIPEFN' || first === 'LOCKFN' || first === 'AT'
}

export function parseUpssched(text: string): UpsschedResult {
  const source = new SourceFile('upssched.conf', text)
  const { conf, diagnostics: problems } = parseUpsschedConf(text)
  const spanAt = (line: number, column: number): Span => {
    const start = source.offset(line, column)
    let end = start
    while (end < text.length && !/\s/.test(text[end] as string)) end++
    return { start, end: Math.max(end, start + 1) }
  }
  const diagnostics: Diagnostic[] = problems.map((p) =>
    diagnostic(
      upsschedCodes[p.code] ?? 'RULE1016',
      spanAt(p.line, p.column),
      `upssched.conf: ${p.message}.`,
      {
        severity: p.severity,
        ...(p.advice === undefined ? {} : { advice: p.advice }),
      },
    ),
  )
  const cmdscript = (conf.cmdScript ?? 'CMDSCRIPT-NOT-SET').split(/\s+/).filter((w) => w !== '')
  const script = (cmd: string, span: Span): Action => ({
    kind: 'exec',
    argv: [...cmdscript, ...cmd.split(/\s+/).filter((w) => w !== '')].map((value) =>
      lit(value, span),
    ),
    timeout: undefined,
    span,
  })
  const rules: Rule[] = []
  const timers: Array<{ name: string; span: Span }> = []
  for (const at of conf.at) {
    const span = spanAt(at.position.line, at.position.column)
    let action: Action
    switch (at.command.kind) {
      case 'start-timer':
        if (at.command.shared)
          diagnostics.push(
            diagnostic(
              'RULE1016',
              span,
              'START-TIMER-SHARED is read as START-TIMER: timers belong to a device.',
              {
                severity: 'warning',
              },
            ),
          )
        timers.push({ name: at.command.timer, span })
        action = {
          kind: 'start-timer',
          name: word(at.command.timer, span),
          duration: { seconds: at.command.seconds, text: `${at.command.seconds}s`, span },
          span,
        }
        break
      case 'cancel-timer':
        action = {
          kind: 'cancel-timer',
          name: word(at.command.timer, span),
          otherwise:
            at.command.command === undefined ? undefined : [script(at.command.command, span)],
          span,
        }
        break
      case 'execute':
        action = script(at.command.command, span)
        break
    }
    const eventRef = {
      device: at.ups === '*' ? undefined : deviceOf(at.ups),
      name: at.notifyType,
      span,
    }
    rules.push({ kind: 'on', events: [eventRef], body: [action], span })
  }
  const handled = new Set<string>()
  for (const timer of timers) {
    if (handled.has(timer.name)) continue
    handled.add(timer.name)
    rules.push({
      kind: 'timer',
      name: word(timer.name, timer.span),
      body: [script(timer.name, timer.span)],
      span: timer.span,
    })
  }
  return { file: { rules }, diagnostics }
}

/** H3's config diagnostic codes, as rule codes. */
const upsschedCodes: Partial<Record<string, DiagnosticCode>> = {
  order: 'RULE1014',
  'unknown-directive': 'RULE1007',
  'missing-value': 'RULE1005',
  'bad-number': 'RULE1012',
  'out-of-range': 'RULE2011',
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
