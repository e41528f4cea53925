import { silentLogger } from '../core/log.ts'
import { ManualClock } from '../core/manual-clock.ts'
import type { CommState } from '../devices/device.ts'
import { DeviceStore } from '../devices/device-store.ts'
import type { NotifyOptions } from '../devices/notify-events.ts'
import { tokenize } from '../protocol/tokenizer.ts'
import { describeAction, RecordingSink } from './action-sink.ts'
import { RulesEngine } from './engine.ts'
import type { LoadedRules } from './load.ts'

/**
 * The dry run of `nutshell rules test`: a dummy-ups `.seq`-style timeline replayed in
 * virtual time against one device, recording the actions the rules would run.
 *
 * Timeline grammar, as dummy-ups reads it (reference 5): NUT tokenizer words; a line
 * `name: value words...` sets a variable (the first word is cut at its first `:`, the
 * value words are joined with single spaces; `driver.*` lines are skipped; a value glued
 * to the colon, `ups.status:OL`, is no value and is skipped, as in dummy-ups);
 * `TIMER n` lets n seconds pass. One nutshell extension (dummy-ups has no such line):
 * `COMM ok|stale|lost` sets the link state, to try COMMBAD / NOCOMM / COMMOK rules.
 * The file is played once, from time 0, and the run
 * ends at its last line (end with a TIMER to see what happens after the last change).
 */
export type ScenarioStep =
  | { kind: 'set'; name: string; value: string; line: number }
  | { kind: 'wait'; seconds: number; line: number }
  | { kind: 'comm'; state: CommState; line: number }

export interface ScenarioProblem {
  line: number
  message: string
}

export function parseScenario(text: string): {
  steps: ScenarioStep[]
  problems: ScenarioProblem[]
} {
  const steps: ScenarioStep[] = []
  const problems: ScenarioProblem[] = []
  for (const line of tokenize(text, { continueQuotesAcrossLines: true })) {
    if (line.error !== undefined) {
      problems.push({ line: line.line, message: `${line.error.message}; line skipped` })
      continue
    }
    const [first, ...rest] = line.words
    if (first === undefined) continue
    if (first === 'TIMER') {
      const seconds = Number(rest[0])
      if (rest.length !== 1 || !Number.isFinite(seconds) || seconds < 0)
        problems.push({ line: line.line, message: 'TIMER takes one number of seconds' })
      else steps.push({ kind: 'wait', seconds, line: line.line })
      continue
    }
    if (first === 'COMM') {
      const state = rest[0]
      if (rest.length !== 1 || (state !== 'ok' && state !== 'stale' && state !== 'lost'))
        problems.push({ line: line.line, message: 'COMM takes ok, stale or lost' })
      else steps.push({ kind: 'comm', state, line: line.line })
      continue
    }
    const colon = first.indexOf(':')
    if (colon < 0) {
      problems.push({
        line: line.line,
        message: `expected 'name: value' or 'TIMER n', found '${first}'`,
      })
      continue
    }
    const name = first.slice(0, colon)
    if (name.startsWith('driver.')) continue
    if (colon < first.length - 1 || rest.length === 0) {
      problems.push({
        line: line.line,
        message: `no value for ${name} (write a space after the colon)`,
      })
      continue
    }
    steps.push({ kind: 'set', name, value: rest.join(' ').slice(0, 127), line: line.line })
  }
  return { steps, problems }
}

export interface DryRunEntry {
  /** Seconds from the start of the timeline. */
  at: number
  action: string
  device: string
  detail: string
  rule: string
  event?: string
}

export function dryRun(
  rules: readonly LoadedRules[],
  steps: readonly ScenarioStep[],
  options: { device?: string; notify?: NotifyOptions; events?: boolean } = {},
): DryRunEntry[] {
  const clock = new ManualClock()
  const store = new DeviceStore()
  const device = store.add(options.device ?? 'ups')
  device.setCommState('ok')
  const sink = new RecordingSink()
  const events: DryRunEntry[] = []
  const onEvent = (name: string, event: string) => {
    events.push({
      at: Math.round(clock.now()) / 1000,
      action: 'event',
      device: name,
      detail: event,
      rule: '',
      event,
    })
  }
  const engine = new RulesEngine([...rules], {
    store,
    clock,
    sink,
    log: silentLogger(),
    ...(options.notify === undefined ? {} : { notify: options.notify }),
    ...(options.events === true ? { onEvent } : {}),
  })
  engine.start()
  for (const step of steps) {
    if (step.kind === 'wait') clock.advance(step.seconds * 1000)
    else if (step.kind === 'comm') device.setCommState(step.state)
    else device.setValue(step.name, step.value)
  }
  engine.stop()
  const actions = sink.requests.map((r) => {
    const entry: DryRunEntry = {
      at: Math.round(r.at) / 1000,
      action: r.action,
      device: r.device,
      detail: describeAction(r),
      rule: r.rule,
    }
    if (r.event !== undefined) entry.event = r.event
    return entry
  })
  // Events come before the actions they caused at the same instant (stable sort).
  return [...events, ...actions].sort((a, b) => a.at - b.at)
}

/** The text form: `+120s notify ups has been on battery for 2 minutes`. */
export function formatDryRun(entries: readonly DryRunEntry[]): string {
  return entries.map((e) => `+${e.at}s ${e.action} ${e.detail}\n`).join('')
}
