import { readFile } from 'node:fs/promises'
import type { Clock } from '../core/clock.ts'
import { describeError, NutshellError } from '../core/errors.ts'
import type { Logger } from '../core/log.ts'
import { TypedEmitter } from '../core/typed-emitter.ts'
import type { DeviceStore } from '../devices/device-store.ts'
import type { NotifyOptions } from '../devices/notify-events.ts'
import type { ActionRequest, ActionSink } from './action-sink.ts'
import { nameVariables } from './comparison-hints.ts'
import { hasErrors } from './diagnostics.ts'
import { RulesEngine } from './engine.ts'
import { type LoadedRules, loadRulesText } from './load.ts'
import type { RulesStateView } from './rule-state.ts'
import { diagnosticsToJson, renderDiagnostics } from './source.ts'

/**
 * The rules engine as the broker runs it.
 *
 * ```ts
 * const rules = await startRules({ store, clock, log, sink, files: config.rules?.files ?? [] })
 * // throws NutshellError NS_RULES_INVALID (message = rendered diagnostics) when a file
 * // cannot be read or has errors: startup stops there. Warnings go to the log.
 * const outcome = await rules.reload() // SIGHUP: re-reads the files; on failure the old
 * //                                      rules keep running and outcome.ok is false
 * rules.injectEvent('ups1', 'SHUTDOWN')   // events only the monitor knows
 * rules.stop()
 * ```
 * Rules files are native rules or upssched.conf (recognised by name or first word).
 * A reload keeps what did not change: a rule with the same text that had fired stays
 * fired (no repeated notification), running timers keep their time left; `for` waits in
 * progress start again from the reload.
 */
export interface StartRulesOptions {
  store: DeviceStore
  clock: Clock
  log: Logger
  sink: ActionSink
  files: readonly string[]
  notify?: NotifyOptions
  /** Set false when the monitor feeds events with injectEvent instead. */
  deriveEvents?: boolean
  /** For tests: reads a file (default: fs.readFile as UTF-8). */
  readText?: (path: string) => Promise<string>
}

export interface RunningRules {
  reload(): Promise<{ ok: boolean; report: string }>
  injectEvent(device: string, event: string): void
  stop(): void
  /** The files' diagnostics from the last successful load (warnings). */
  readonly loaded: readonly LoadedRules[]
  /** Each rule's live state and the running timers. */
  state(): RulesStateView
  /** Every action request the rules make, as they make it (the web face's live stream). */
  readonly actions: TypedEmitter<{ action: ActionRequest }>
}

export async function startRules(given: StartRulesOptions): Promise<RunningRules> {
  const actions = new TypedEmitter<{ action: ActionRequest }>()
  const options: StartRulesOptions = {
    ...given,
    sink: {
      run(request) {
        given.sink.run(request)
        actions.emit('action', request)
      },
    },
  }
  let loaded = await loadFiles(options)
  let engine = createEngine(options, loaded)
  engine.start()
  logWarnings(options.log, loaded)
  return {
    actions,
    state: () => engine.describe(),
    get loaded() {
      return loaded
    },
    async reload() {
      let next: LoadedRules[]
      try {
        next = await loadFiles(options)
      } catch (error) {
        const report = describeError(error)
        options.log.error(
          { code: 'RULE3002', report },
          'rules reload failed; the old rules keep running',
        )
        return { ok: false, report }
      }
      const carried = engine.carryState()
      engine.stop()
      engine = createEngine(options, next)
      engine.start(carried)
      loaded = next
      logWarnings(options.log, loaded)
      options.log.info({ files: options.files }, 'rules reloaded')
      return { ok: true, report: '' }
    },
    injectEvent(device, event) {
      engine.injectEvent(device, event)
    },
    stop() {
      engine.stop()
    },
  }
}

function createEngine(options: StartRulesOptions, loaded: LoadedRules[]): RulesEngine {
  const engineOptions = {
    store: options.store,
    clock: options.clock,
    log: options.log,
    sink: options.sink,
    ...(options.notify === undefined ? {} : { notify: options.notify }),
    ...(options.deriveEvents === undefined ? {} : { deriveEvents: options.deriveEvents }),
  }
  return new RulesEngine(loaded, engineOptions)
}

/** Reads and checks every file; throws NS_RULES_INVALID with every file's report. */
async function loadFiles(options: StartRulesOptions): Promise<LoadedRules[]> {
  const read = options.readText ?? ((path: string) => readFile(path, 'utf8'))
  const devices = new Map(
    options.store.list().map((d) => [d.name, d.listVariables().map((v) => v.name)]),
  )
  const values = reportedNames(options.store)
  const results: LoadedRules[] = []
  const reports: string[] = []
  const failing: string[] = []
  for (const path of options.files) {
    let text: string
    try {
      text = await read(path)
    } catch (error) {
      reports.push(`${path}: cannot read the rules file: ${describeError(error)}`)
      failing.push(path)
      continue
    }
    const result = loadRulesText(path, text, devices.size > 0 ? { devices, values } : {})
    if (hasErrors(result.diagnostics)) {
      reports.push(renderDiagnostics(result.source, result.diagnostics))
      failing.push(path)
    }
    results.push(result)
  }
  if (reports.length > 0) {
    // The first line names the files: a report of several lines follows it.
    const headline =
      failing.length === 1
        ? `the rules file ${failing[0]} has errors`
        : `the rules files ${failing.join(', ')} have errors`
    throw new NutshellError('NS_RULES_INVALID', [headline, ...reports].join('\n'))
  }
  return results
}

/** The models and makers the devices report, so a wrong-case comparison is caught. */
function reportedNames(store: DeviceStore): Map<string, string[]> {
  const values = new Map<string, string[]>()
  for (const name of nameVariables)
    for (const device of store.list()) {
      const value = device.getValue(name)
      if (value !== undefined) values.set(name, [...(values.get(name) ?? []), value])
    }
  return values
}

function logWarnings(log: Logger, loaded: readonly LoadedRules[]): void {
  // Notes are style hints for `nutshell rules check`: not worth a warning in the log.
  for (const file of loaded)
    for (const d of file.diagnostics) {
      const [diagnostic] = diagnosticsToJson(file.source, [d])
      if (d.severity === 'note') log.debug({ diagnostic }, 'rules note')
      else log.warn({ diagnostic }, 'rules warning')
    }
}
