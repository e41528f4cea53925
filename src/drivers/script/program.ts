/**
 * A specification made ready to run: regexes compiled with the POSIX matcher (never
 * JavaScript's RegExp: powermand matches leftmost-longest), delays in milliseconds,
 * includes spliced in. Pure; compile errors are returned, never thrown.
 */

import { compilePosixRegex, type PosixRegex } from '../../protocol/posix-regex/index.ts'
import type { PlugRef, ScriptName, SpecItem, Stmt } from '../../protocol/powerman/ast.ts'
import { flatten, maxRegexLength } from '../../protocol/powerman/check-spec.ts'

export interface Interp {
  state: 'on' | 'off'
  regex: PosixRegex
}

export type Op =
  | { kind: 'send'; format: string }
  | { kind: 'expect'; regex: PosixRegex }
  | { kind: 'delay'; ms: number }
  | { kind: 'setplugstate'; plug: PlugRef; value: number; interps: Interp[] }
  | { kind: 'setresult'; plug: number; value: number; success: PosixRegex[] }
  | { kind: 'foreachplug' | 'foreachnode' | 'ifon' | 'ifoff'; body: Op[] }

export interface SpecProgram {
  name: string
  /** One budget per action (script run), connect and delays included. */
  timeoutMs: number
  /** 0: ping never runs. */
  pingPeriodMs: number
  /** The fixed plug list, or undefined when plugs are made by node lines. */
  plugs: string[] | undefined
  scripts: Map<ScriptName, Op[]>
}

export type CompileSpecResult = { ok: true; program: SpecProgram } | { ok: false; errors: string[] }

/**
 * powermand turns the two-character sequences `\r` and `\n` left in an expect string (a
 * source `"\\r"`) into CR and LF before compiling it; everything else stays as written.
 */
export function expectPattern(text: string): string {
  return text.replace(/\\([rn])/g, (_, c: string) => (c === 'r' ? '\r' : '\n'))
}

export function compileSpec(
  name: string,
  items: readonly SpecItem[],
  file: string,
): CompileSpecResult {
  const errors: string[] = []
  let timeoutMs = 0
  let pingPeriodMs = 0
  let plugs: string[] | undefined
  const scripts = new Map<ScriptName, Op[]>()
  const regex = (source: string, nosub: boolean): PosixRegex | undefined => {
    if (source.length > maxRegexLength) {
      errors.push(`specification "${name}": a regex longer than ${maxRegexLength} bytes`)
      return undefined
    }
    const compiled = compilePosixRegex(source, { nosub })
    if (compiled.ok) return compiled.regex
    errors.push(`specification "${name}": regex "${source}": ${compiled.error.message}`)
    return undefined
  }
  const ops = (stmts: readonly Stmt[]): Op[] => {
    const out: Op[] = []
    for (const { item } of flatten(stmts, file)) {
      switch (item.kind) {
        case 'send':
          out.push({ kind: 'send', format: item.format.value })
          break
        case 'expect': {
          const r = regex(expectPattern(item.regex.value), false)
          if (r !== undefined) out.push({ kind: 'expect', regex: r })
          break
        }
        case 'delay':
          out.push({ kind: 'delay', ms: item.seconds.value * 1000 })
          break
        case 'setplugstate': {
          const interps: Interp[] = []
          for (const i of item.interpretations) {
            const r = regex(i.regex.value, true)
            if (r !== undefined) interps.push({ state: i.state, regex: r })
          }
          out.push({ kind: 'setplugstate', plug: item.plug, value: item.value.index, interps })
          break
        }
        case 'setresult': {
          const success: PosixRegex[] = []
          for (const s of item.success) {
            const r = regex(s.value, true)
            if (r !== undefined) success.push(r)
          }
          out.push({ kind: 'setresult', plug: item.plug.index, value: item.value.index, success })
          break
        }
        default:
          out.push({ kind: item.kind, body: ops(item.body) })
      }
    }
    return out
  }
  for (const { item } of flatten(items, file)) {
    if (item.kind === 'timeout') timeoutMs = item.seconds.value * 1000
    else if (item.kind === 'pingperiod') pingPeriodMs = item.seconds.value * 1000
    else if (item.kind === 'plugs') plugs = item.names.map((n) => n.value)
    else if (item.kind === 'script') scripts.set(item.name, ops(item.body))
  }
  if (!scripts.has('login')) errors.push(`specification "${name}" has no login script`)
  if (timeoutMs <= 0) errors.push(`specification "${name}" has no timeout`)
  if (errors.length > 0) return { ok: false, errors }
  return { ok: true, program: { name, timeoutMs, pingPeriodMs, plugs, scripts } }
}
