import type { CommandOutcome, CommandSettled, DeviceController } from './command-result.ts'
import { copyVariable, newVariable, type ValueKind, type Variable } from './variable.ts'

/** How fresh a device's data is: `lost` means no link to the driver at all. */
export type CommState = 'ok' | 'stale' | 'lost'

export type DeviceChange =
  | { kind: 'variable'; device: string; name: string; value: string; previous: string | undefined }
  | { kind: 'variable-removed'; device: string; name: string; previous: string }
  | { kind: 'metadata'; device: string; name: string }
  | { kind: 'commands'; device: string }
  | { kind: 'comm'; device: string; state: CommState; previous: CommState }
  | { kind: 'fsd'; device: string }
  | { kind: 'device-added'; device: string }
  | { kind: 'device-removed'; device: string }
  /** The end of an `update` batch in which something changed (see Device.update). */
  | { kind: 'batch-end'; device: string }

type Emit = (change: DeviceChange) => void

const noController: DeviceController = {
  setVariable: async () => 'ERR FAILED',
  instantCommand: async () => 'ERR FAILED',
}

/**
 * One power device: its variables with NUT's metadata, its instant commands, how fresh
 * its data is, and the FSD latch. Names are matched without regard to case, as upsd does;
 * each keeps the spelling its driver gave it.
 *
 * Drivers write through the mutators below; every real change is emitted once, and a
 * write that changes nothing emits nothing.
 */
export class Device {
  readonly name: string
  description: string | undefined
  private readonly variables = new Map<string, Variable>()
  private readonly commands = new Map<string, string>()
  private comm: CommState = 'lost'
  private fsd = false
  private controller: DeviceController = noController
  private readonly emit: Emit
  private readonly settled: ((result: CommandSettled) => void) | undefined
  private batchDepth = 0
  private batchChanged = false
  /** Monotonic time of the last data the driver sent (for staleness and display). */
  lastUpdate = 0

  constructor(
    name: string,
    description: string | undefined,
    emit: Emit,
    settled?: (result: CommandSettled) => void,
  ) {
    this.name = name
    this.settled = settled
    this.description = description
    this.emit = (change) => {
      if (this.batchDepth > 0) this.batchChanged = true
      emit(change)
    }
    this.emitBatchEnd = () => emit({ kind: 'batch-end', device: this.name })
  }

  private readonly emitBatchEnd: () => void

  /**
   * Applies several changes that belong together (one message burst of a driver). Every
   * change is still emitted as it happens; a `batch-end` follows if anything changed, so
   * that consumers judging a whole state (the rules) can wait for it instead of acting on
   * a half-applied update.
   */
  update(apply: () => void): void {
    this.batchDepth++
    try {
      apply()
    } finally {
      this.batchDepth--
      if (this.batchDepth === 0 && this.batchChanged) {
        this.batchChanged = false
        this.emitBatchEnd()
      }
    }
  }

  /** True while an `update` batch is being applied. */
  get inBatch(): boolean {
    return this.batchDepth > 0
  }

  // ---- reading -------------------------------------------------------------

  getVariable(name: string): Readonly<Variable> | undefined {
    return this.lookup(name)
  }

  getValue(name: string): string | undefined {
    return this.lookup(name)?.value
  }

  /** Variables in upsd's LIST order: ascending, case-insensitive. */
  listVariables(): Readonly<Variable>[] {
    return [...this.variables.entries()].sort(compareKeys).map(([, v]) => v)
  }

  hasCommand(name: string): boolean {
    return this.commands.has(name.toLowerCase())
  }

  /** Instant commands in upsd's LIST order: ascending, case-insensitive. */
  listCommands(): string[] {
    return [...this.commands.entries()].sort(compareKeys).map(([, name]) => name)
  }

  get commState(): CommState {
    return this.comm
  }

  get fsdLatched(): boolean {
    return this.fsd
  }

  /** A deep copy, safe to hand to code that must not see later changes. */
  snapshot(): {
    name: string
    description: string | undefined
    comm: CommState
    fsd: boolean
    variables: Variable[]
    commands: string[]
  } {
    return {
      name: this.name,
      description: this.description,
      comm: this.comm,
      fsd: this.fsd,
      variables: this.listVariables().map(copyVariable),
      commands: this.listCommands(),
    }
  }

  // ---- writing (drivers) ---------------------------------------------------

  setValue(name: string, value: string): void {
    const key = name.toLowerCase()
    const existing = this.variables.get(key)
    if (existing === undefined) {
      this.variables.set(key, newVariable(name, value))
      this.emit({ kind: 'variable', device: this.name, name, value, previous: undefined })
      return
    }
    if (existing.value === value) return
    const previous = existing.value
    existing.value = value
    this.emit({ kind: 'variable', device: this.name, name: existing.name, value, previous })
  }

  deleteVariable(name: string): void {
    const key = name.toLowerCase()
    const existing = this.variables.get(key)
    if (existing === undefined) return
    this.variables.delete(key)
    this.emit({
      kind: 'variable-removed',
      device: this.name,
      name: existing.name,
      previous: existing.value,
    })
  }

  /** Sets RW and the value kind at once, as a driver's SETFLAGS does. */
  setFlags(name: string, flags: { writable: boolean; kind: ValueKind }): void {
    this.updateMetadata(name, (v) => {
      if (v.writable === flags.writable && v.kind === flags.kind) return false
      v.writable = flags.writable
      v.kind = flags.kind
      return true
    })
  }

  setMaxLength(name: string, maxLength: number): void {
    this.updateMetadata(name, (v) => {
      if (v.maxLength === maxLength) return false
      v.maxLength = maxLength
      return true
    })
  }

  addEnum(name: string, value: string): void {
    this.updateMetadata(name, (v) => {
      if (v.enums.includes(value)) return false
      v.enums.push(value)
      return true
    })
  }

  deleteEnum(name: string, value: string): void {
    const wanted = value.toLowerCase()
    this.updateMetadata(name, (v) => {
      const index = v.enums.findIndex((e) => e.toLowerCase() === wanted)
      if (index < 0) return false
      v.enums.splice(index, 1)
      return true
    })
  }

  addRange(name: string, min: number, max: number): void {
    this.updateMetadata(name, (v) => {
      if (min > max || v.ranges.some((r) => r.min === min && r.max === max)) return false
      v.ranges.push({ min, max })
      return true
    })
  }

  deleteRange(name: string, min: number, max: number): void {
    this.updateMetadata(name, (v) => {
      const index = v.ranges.findIndex((r) => r.min === min && r.max === max)
      if (index < 0) return false
      v.ranges.splice(index, 1)
      return true
    })
  }

  addCommand(name: string): void {
    const key = name.toLowerCase()
    if (this.commands.has(key)) return
    this.commands.set(key, name)
    this.emit({ kind: 'commands', device: this.name })
  }

  deleteCommand(name: string): void {
    if (this.commands.delete(name.toLowerCase())) this.emit({ kind: 'commands', device: this.name })
  }

  /** Forgets every variable and command, as upsd does when it loses a driver. */
  clear(): void {
    for (const variable of this.listVariables()) this.deleteVariable(variable.name)
    if (this.commands.size > 0) {
      this.commands.clear()
      this.emit({ kind: 'commands', device: this.name })
    }
  }

  setCommState(state: CommState): void {
    if (state === this.comm) return
    const previous = this.comm
    this.comm = state
    this.emit({ kind: 'comm', device: this.name, state, previous })
  }

  /** NUT's FSD latch: once set it stays until the device is removed or the broker restarts. */
  latchFsd(): void {
    if (this.fsd) return
    this.fsd = true
    this.emit({ kind: 'fsd', device: this.name })
  }

  attachController(controller: DeviceController): void {
    this.controller = controller
  }

  // ---- commands (faces) ----------------------------------------------------

  /** Forwards a SET to the driver. Validate first with `validateSet`. */
  requestSet(name: string, value: string): Promise<CommandOutcome> {
    return this.report(
      'set',
      name,
      settle(() => this.controller.setVariable(name, value)),
    )
  }

  requestInstantCommand(name: string, parameter: string | undefined): Promise<CommandOutcome> {
    return this.report(
      'instcmd',
      name,
      settle(() => this.controller.instantCommand(name, parameter)),
    )
  }

  /** Every result, from any face, is told once it settles (metrics count them). */
  private report(
    kind: CommandSettled['kind'],
    name: string,
    outcome: Promise<CommandOutcome>,
  ): Promise<CommandOutcome> {
    const settled = this.settled
    if (settled === undefined) return outcome
    return outcome.then((result) => {
      try {
        settled({ device: this.name, kind, name, outcome: result })
      } catch {
        // A listener's fault must not change the face's answer.
      }
      return result
    })
  }

  /**
   * Keys are lower case. Rules and monitors ask with names that usually are already, so
   * try the name as given first: it spares a string allocation on the hot path.
   */
  private lookup(name: string): Variable | undefined {
    return this.variables.get(name) ?? this.variables.get(name.toLowerCase())
  }

  private updateMetadata(name: string, change: (variable: Variable) => boolean): void {
    const variable = this.variables.get(name.toLowerCase())
    if (variable === undefined) return
    if (change(variable)) this.emit({ kind: 'metadata', device: this.name, name: variable.name })
  }
}

function compareKeys(a: [string, unknown], b: [string, unknown]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0
}

async function settle(run: () => Promise<CommandOutcome>): Promise<CommandOutcome> {
  try {
    return await run()
  } catch {
    return 'ERR FAILED'
  }
}
