import type { Include, ScriptName, SpecItem, Stmt, Str } from './ast.ts'
import {
  type Diagnostic,
  type DiagnosticCode,
  type DiagnosticExtra,
  diagnostic,
} from './diagnostics.ts'

export interface CheckOptions {
  /** Which powermand to hold the file to: upstream 2.4 (default) or Debian 12's 2.3.27. */
  dialect?: '2.4' | '2.3'
  /**
   * Compiles a POSIX extended regular expression, returning why it does not compile. The
   * matcher lives elsewhere (src/protocol/posix-regex); without one, regexes go unchecked.
   */
  checkRegex?: (pattern: string) => string | undefined
}

export type Report = (
  code: DiagnosticCode,
  file: string,
  span: Str['span'],
  message: string,
  extra?: DiagnosticExtra,
) => void

export function reporter(diagnostics: Diagnostic[]): Report {
  return (code, file, span, message, extra = {}) =>
    diagnostics.push(diagnostic(code, file, span, message, extra))
}

/** Items with the file their spans point into, includes opened up in place. */
export function flatten<T extends { kind: string }>(
  items: readonly (T | Include<T>)[],
  file: string,
): Array<{ item: Exclude<T, Include<T>>; file: string }> {
  const out: Array<{ item: Exclude<T, Include<T>>; file: string }> = []
  for (const item of items) {
    if (item.kind === 'include') {
      const inc = item as Include<T>
      if (inc.file !== undefined) out.push(...flatten(inc.items, inc.file))
    } else out.push({ item: item as Exclude<T, Include<T>>, file })
  }
  return out
}

/** powermand refuses a regular expression longer than this at start-up. */
export const maxRegexLength = 256

const singlets = new Set<ScriptName>([
  'status',
  'status_temp',
  'status_beacon',
  'beacon_on',
  'beacon_off',
  'on',
  'off',
  'cycle',
  'reset',
])

/** The static rules of one specification (reference 1.3). */
export function checkSpec(
  name: Str,
  items: readonly SpecItem[],
  file: string,
  report: Report,
  options: CheckOptions,
): void {
  const seen = new Map<string, { file: string; span: Str['span'] }>()
  let timeout: number | undefined
  let hasLogin = false
  for (const { item, file: at } of flatten(items, file)) {
    const key = item.kind === 'script' ? `script ${item.name}` : item.kind
    const first = seen.get(key)
    const related = first && [{ file: first.file, span: first.span, message: 'first given here' }]
    if (first !== undefined && related !== undefined) {
      if (item.kind === 'plugs')
        report('PM2001', at, item.span, 'A second plug name list in this specification.', {
          related,
          advice: 'powermand stops at a second list; give all plugs in one plug name { ... }.',
        })
      else if (item.kind === 'script')
        report('PM2002', at, item.nameSpan, `A second ${item.name} script in this specification.`, {
          related,
          advice: 'powermand stops at a duplicate script; keep one.',
        })
      else
        report('PM2019', at, item.span, `${item.kind} is given twice; the later one counts.`, {
          related,
          severity: 'warning',
          advice: 'Keep one.',
        })
    } else seen.set(key, { file: at, span: item.kind === 'script' ? item.nameSpan : item.span })
    if (item.kind === 'timeout')
      timeout = item.seconds.text === '' ? Number.NaN : item.seconds.value
    if (item.kind === 'script') {
      if (item.name === 'login') hasLogin = true
      checkStatements(item.body, at, item.name, report, options)
    }
  }
  // An empty specification is already a syntax error.
  if (items.length === 0) return
  if (!hasLogin)
    report('PM2003', file, name.span, `Specification "${name.value}" has no login script.`, {
      advice:
        'powermand runs login on every connect and crashes when a device has none; write script login { ... } (it may just expect the first prompt).',
    })
  // A NaN timeout is one whose number is missing, already reported.
  if (timeout === undefined || timeout === 0)
    report(
      'PM2004',
      file,
      name.span,
      timeout === undefined
        ? `Specification "${name.value}" has no timeout.`
        : `Specification "${name.value}" has a zero timeout.`,
      {
        advice:
          'The timeout is the time budget of one whole script run; without one every action expires at once and powermand stalls. Write timeout 10 (seconds).',
      },
    )
}

function checkStatements(
  body: readonly Stmt[],
  file: string,
  script: ScriptName,
  report: Report,
  options: CheckOptions,
): void {
  for (const { item: stmt, file: at } of flatten(body, file)) {
    switch (stmt.kind) {
      case 'expect':
        checkRegex(stmt.regex, at, report, options)
        break
      case 'send':
        checkFormat(stmt.format, at, report)
        break
      case 'setplugstate':
        for (const i of stmt.interpretations) checkRegex(i.regex, at, report, options)
        break
      case 'setresult':
        if (options.dialect === '2.3')
          report('PM2015', at, stmt.span, 'powerman 2.3 has no setresult.', {
            advice:
              'setresult and success= came with powerman 2.4.1; Debian 12 ships 2.3.27, which rejects the file.',
          })
        for (const s of stmt.success) checkRegex(s, at, report, options)
        break
      case 'ifon':
      case 'ifoff':
        if (!singlets.has(script))
          report('PM2022', at, stmt.span, `${stmt.kind} in the ${script} script.`, {
            severity: 'warning',
            advice: `${stmt.kind} looks at the state of the one plug a single-plug script targets (on, off, cycle, ...); elsewhere that state is unknown and the action fails.`,
          })
        checkStatements(stmt.body, at, script, report, options)
        break
      case 'foreachplug':
      case 'foreachnode':
        checkStatements(stmt.body, at, script, report, options)
        break
      case 'delay':
        break
    }
  }
}

function checkRegex(regex: Str, file: string, report: Report, options: CheckOptions): void {
  if (regex.value.length > maxRegexLength)
    report(
      'PM2009',
      file,
      regex.span,
      `This regular expression is ${regex.value.length} characters long.`,
      {
        advice: `powermand refuses regular expressions longer than ${maxRegexLength} characters; match less at a time.`,
      },
    )
  const problem = options.checkRegex?.(regex.value)
  if (problem !== undefined)
    report('PM2020', file, regex.span, `Bad regular expression: ${problem}.`, {
      advice:
        'powerman uses POSIX extended regular expressions; write \\\\ in a string for one backslash.',
    })
}

/** send goes through printf with one string argument: one %s and %% are safe. */
function checkFormat(format: Str, file: string, report: Report): void {
  let strings = 0
  const others: string[] = []
  for (let i = 0; i < format.value.length; i++) {
    if (format.value[i] !== '%') continue
    const next = format.value[i + 1]
    i++
    if (next === '%') continue
    if (next === 's') strings++
    else others.push(`%${next ?? ''}`)
  }
  if (strings > 1 || others.length > 0)
    report(
      'PM2021',
      file,
      format.span,
      `This send format has ${others.length > 0 ? `'${others.join("', '")}'` : `${strings} %s`}.`,
      {
        severity: 'warning',
        advice:
          'send is printed with printf and exactly one string argument (the plug name or range): one %s and %% are safe, anything else is undefined in powermand.',
      },
    )
}
