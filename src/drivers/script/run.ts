/**
 * One script run (an "action"), as a resumable interpreter: `step` executes statements
 * until one blocks (an expect that does not match the buffer yet, a delay not yet over)
 * or the script ends. Pure: the receive buffer, the output and the time come from the
 * caller, so tests drive it byte by byte.
 */
import type { PlugRef, ScriptName } from '../../protocol/powerman/ast.ts'
import type { Op } from './program.ts'
import { formatSend } from './send-format.ts'

export type PlugState = 'on' | 'off' | 'unknown'

/** What one user request gathers while its actions run (setplugstate, setresult). */
export interface RequestContext {
  /** The plugs the request targets: only their states and results are kept. */
  readonly targeted: ReadonlySet<string>
  readonly states: Map<string, { state: PlugState; value: string }>
  /** Plugs a setresult found unsuccessful, with the diagnostic text powermand prints. */
  readonly failures: Map<string, string>
}

export interface RunEnv {
  /** Every plug of the device, in device order (foreachplug). */
  readonly plugs: readonly string[]
  /** Plugs mapped to a node (foreachnode; setplugstate ignores the others). */
  readonly mapped: ReadonlySet<string>
}

/** The device side of a run: the receive buffer and the link. */
export interface RunIo {
  /** Runs the regex on the whole buffer; on a match consumes through its end. */
  expect(regex: Extract<Op, { kind: 'expect' }>['regex']): Array<string | undefined> | undefined
  send(text: string): void
  now(): number
}

export type StepResult =
  | { kind: 'blocked' }
  | { kind: 'delay'; until: number }
  | { kind: 'done' }
  /** ifon/ifoff on a plug whose state is unknown: powermand fails the action. */
  | { kind: 'failed' }

interface Frame {
  ops: readonly Op[]
  pc: number
  /** foreach: the plugs iterated and the current index. */
  plugs: readonly string[] | undefined
  iteration: number
  /** A foreach body repeats per plug; an ifon/ifoff body runs once. */
  loop: boolean
  target: string | undefined
}

export interface ActionSpec {
  script: ScriptName
  ops: readonly Op[]
  /** What `%s` becomes: a plug, a compressed range, or undefined (`(null)`). */
  argument: string | undefined
  /** The plug a singlet script is about (the default setplugstate target). */
  target: string | undefined
  /** Targeted plugs for `_ranged` scripts (foreachplug iterates them). */
  rangedPlugs: readonly string[] | undefined
  context: RequestContext | undefined
}

export class ScriptRun {
  readonly spec: ActionSpec
  private readonly env: RunEnv
  private frames: Frame[] = []
  private captures: Array<string | undefined> = []
  private delayUntil: number | undefined

  constructor(spec: ActionSpec, env: RunEnv) {
    this.spec = spec
    this.env = env
    this.rewind()
  }

  /** Back to the first statement (after a reconnect and re-login). */
  rewind(): void {
    this.frames = [
      {
        ops: this.spec.ops,
        pc: 0,
        plugs: undefined,
        iteration: 0,
        loop: false,
        target: this.spec.target,
      },
    ]
    this.captures = []
    this.delayUntil = undefined
  }

  step(io: RunIo): StepResult {
    for (;;) {
      const frame = this.frames[this.frames.length - 1]
      if (frame === undefined) return { kind: 'done' }
      const op = frame.ops[frame.pc]
      if (op === undefined) {
        this.endOfBlock(frame)
        continue
      }
      switch (op.kind) {
        case 'send':
          io.send(
            formatSend(op.format, frame.plugs === undefined ? this.spec.argument : frame.target),
          )
          frame.pc++
          break
        case 'expect': {
          this.captures = []
          const found = io.expect(op.regex)
          if (found === undefined) return { kind: 'blocked' }
          this.captures = found
          frame.pc++
          break
        }
        case 'delay': {
          const now = io.now()
          if (this.delayUntil === undefined) this.delayUntil = now + op.ms
          if (now < this.delayUntil) return { kind: 'delay', until: this.delayUntil }
          this.delayUntil = undefined
          frame.pc++
          break
        }
        case 'setplugstate':
          this.setPlugState(op.plug, op.value, op.interps, frame.target)
          frame.pc++
          break
        case 'setresult':
          this.setResult(op.plug, op.value, op.success)
          frame.pc++
          break
        case 'foreachplug':
        case 'foreachnode': {
          frame.pc++
          const all =
            op.kind === 'foreachplug' && this.spec.rangedPlugs !== undefined
              ? this.spec.rangedPlugs
              : this.env.plugs
          const plugs = op.kind === 'foreachnode' ? all.filter((p) => this.env.mapped.has(p)) : all
          if (plugs.length > 0)
            this.frames.push({
              ops: op.body,
              pc: 0,
              plugs,
              iteration: 0,
              loop: true,
              target: plugs[0],
            })
          break
        }
        case 'ifon':
        case 'ifoff': {
          frame.pc++
          const plug = frame.target
          const state = plug === undefined ? undefined : this.spec.context?.states.get(plug)?.state
          if (state === undefined || state === 'unknown') return { kind: 'failed' }
          if (state === (op.kind === 'ifon' ? 'on' : 'off'))
            this.frames.push({
              ops: op.body,
              pc: 0,
              plugs: frame.plugs,
              iteration: 0,
              loop: false,
              target: plug,
            })
          break
        }
      }
    }
  }

  private endOfBlock(frame: Frame): void {
    const plugs = frame.plugs
    if (plugs !== undefined && frame.loop && frame.iteration + 1 < plugs.length) {
      frame.iteration++
      frame.pc = 0
      frame.target = plugs[frame.iteration]
      return
    }
    this.frames.pop()
  }

  private capture(index: number): string | undefined {
    const value = this.captures[index]
    // powermand asserts on an empty group; nutshell treats it as no value.
    return value === undefined || value === '' ? undefined : value
  }

  private setPlugState(
    ref: PlugRef,
    valueIndex: number,
    interps: Extract<Op, { kind: 'setplugstate' }>['interps'],
    target: string | undefined,
  ): void {
    const plug =
      ref.kind === 'literal'
        ? ref.name.value
        : ((ref.kind === 'capture' ? this.capture(ref.capture.index) : undefined) ?? target)
    const value = this.capture(valueIndex)
    const context = this.spec.context
    if (plug === undefined || value === undefined || context === undefined) return
    if (!this.env.mapped.has(plug) || !context.targeted.has(plug)) return
    let state: PlugState = 'unknown'
    for (const i of interps) {
      if (i.regex.test(value, { noteol: true })) {
        state = i.state
        break
      }
    }
    context.states.set(plug, { state, value })
  }

  private setResult(
    plugIndex: number,
    valueIndex: number,
    success: Extract<Op, { kind: 'setresult' }>['success'],
  ): void {
    const plug = this.capture(plugIndex)
    const value = this.capture(valueIndex)
    const context = this.spec.context
    if (plug === undefined || value === undefined || context === undefined) return
    if (!this.env.mapped.has(plug) || !context.targeted.has(plug)) return
    if (success.some((r) => r.test(value, { noteol: true }))) context.failures.delete(plug)
    else context.failures.set(plug, value.split(/[\r\n]/)[0] ?? '')
  }
}
