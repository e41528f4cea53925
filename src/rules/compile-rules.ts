import type { TimerHandle } from '../core/clock.ts'
import type { Rule } from './ast.ts'
import { type ActionHost, type CompiledAction, compileActions } from './compile-actions.ts'
import { type Compiled, collectReads, compileExpr } from './compile-expr.ts'
import type { LoadedFile } from './engine.ts'
import { hasOnlyReads } from './has-only.ts'
import { printRule } from './printer.ts'
import type { SourceFile } from './source.ts'

/**
 * A rules file turned into closures and indexes for the evaluator: `when` rules indexed by
 * the variables they read (unqualified names, and `device:name` pairs), `on` rules by
 * event, `on timer` rules by timer name.
 */
export type Phase = 'idle' | 'pending' | 'fired' | 'clearing'
export interface WhenInstance {
  phase: Phase
  timer: TimerHandle | undefined
}

export interface WhenRule {
  location: string
  /** The rule's canonical text and scope: how a reload recognises the same rule. */
  signature: string
  scope: string | undefined
  /** Only named devices are read: one instance, no device of its own. */
  global: boolean
  defaultDevice: string
  cond: Compiled
  /** Variables this rule reads only as `VAR has FLAG`, with their flags (upper case). */
  hasOnly: Map<string, Set<string>>
  holdMs: number
  body: CompiledAction[]
  otherwise: { cond: Compiled | undefined; holdMs: number; body: CompiledAction[] } | undefined
  hasElse: boolean
  /** Per device, by the engine's device slot (slot 0: the rule over named devices only). */
  instances: Array<WhenInstance | undefined>
}

export interface OnRule {
  location: string
  scope: string | undefined
  events: Array<{ device: string | undefined; name: string }>
  body: CompiledAction[]
}

export interface TimerRule {
  location: string
  scope: string | undefined
  body: CompiledAction[]
}

export interface CompiledRules {
  whenRules: WhenRule[]
  localIndex: Map<string, WhenRule[]>
  qualifiedIndex: Map<string, WhenRule[]>
  eventIndex: Map<string, OnRule[]>
  timerIndex: Map<string, TimerRule[]>
}

export function compileRules(files: readonly LoadedFile[], host: ActionHost): CompiledRules {
  const compiler = new RuleCompiler(host)
  for (const { source, file } of files)
    for (const rule of file.rules) compiler.compile(rule, source, undefined)
  return compiler.result
}

class RuleCompiler {
  readonly result: CompiledRules = {
    whenRules: [],
    localIndex: new Map(),
    qualifiedIndex: new Map(),
    eventIndex: new Map(),
    timerIndex: new Map(),
  }
  private readonly host: ActionHost

  constructor(host: ActionHost) {
    this.host = host
  }

  compile(rule: Rule, source: SourceFile, scope: string | undefined): void {
    const location = `${source.name}:${source.position(rule.span.start).line}`
    switch (rule.kind) {
      case 'device':
        for (const inner of rule.rules) this.compile(inner, source, rule.name.text.toLowerCase())
        return
      case 'on': {
        const on: OnRule = {
          location,
          scope,
          events: rule.events.map((e) => ({
            device: e.device?.toLowerCase(),
            name: e.name.toUpperCase(),
          })),
          body: compileActions(rule.body, this.host),
        }
        for (const event of new Set(on.events.map((e) => e.name)))
          push(this.result.eventIndex, event, on)
        return
      }
      case 'timer':
        push(this.result.timerIndex, rule.name.text, {
          location,
          scope,
          body: compileActions(rule.body, this.host),
        })
        return
      case 'when': {
        const reads = {
          local: new Set<string>(),
          qualified: new Set<string>(),
          devices: [] as string[],
        }
        collectReads(rule.cond, reads)
        if (rule.otherwise?.cond !== undefined) collectReads(rule.otherwise.cond, reads)
        const when: WhenRule = {
          location,
          signature: `${scope ?? ''}\u0000${printRule(rule, '')}`,
          scope,
          global: scope === undefined && reads.local.size === 0 && reads.qualified.size > 0,
          hasOnly: hasOnlyReads([rule.cond, rule.otherwise?.cond]),
          defaultDevice: reads.devices[0] ?? '',
          cond: compileExpr(rule.cond),
          holdMs: (rule.hold?.seconds ?? 0) * 1000,
          body: compileActions(rule.body, this.host),
          otherwise:
            rule.otherwise === undefined
              ? undefined
              : {
                  cond:
                    rule.otherwise.cond === undefined
                      ? undefined
                      : compileExpr(rule.otherwise.cond),
                  holdMs: (rule.otherwise.hold?.seconds ?? 0) * 1000,
                  body: compileActions(rule.otherwise.body, this.host),
                },
          hasElse: rule.otherwise !== undefined,
          instances: [],
        }
        this.result.whenRules.push(when)
        for (const name of reads.local) push(this.result.localIndex, name, when)
        for (const key of reads.qualified) push(this.result.qualifiedIndex, key, when)
        return
      }
    }
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}
