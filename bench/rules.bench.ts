/**
 * Rules engine figures (issue 4): 1,000 rules over 100 devices.
 * - evaluation: median time for one variable change (store write → every rule that reads
 *   the variable re-evaluated for that device, notify events derived), goal < 50 µs;
 * - checking: parse + check of a 1,000-rule file, goal < 200 ms.
 * There is no NUT peer for a rule language (upssched has no conditions), so each figure is
 * printed beside its goal. Run: node --import tsx bench/rules.bench.ts
 */

import { systemClock } from '../src/core/clock.ts'
import { silentLogger } from '../src/core/log.ts'
import { DeviceStore } from '../src/devices/device-store.ts'
import type { ActionSink } from '../src/rules/action-sink.ts'
import { hasErrors } from '../src/rules/diagnostics.ts'
import { RulesEngine } from '../src/rules/engine.ts'
import { loadRulesText } from '../src/rules/load.ts'
import { runCompiled } from './fixtures/run-compiled.ts'

// Measure the JavaScript users run (bundled), not the sources through tsx.
const compiledExit = runCompiled(import.meta.url)
if (compiledExit !== undefined) process.exit(compiledExit)

const deviceCount = 100

const variables = [
  'battery.charge',
  'battery.runtime',
  'ups.load',
  'ups.temperature',
  'input.voltage',
  'output.voltage',
  'input.frequency',
  'ambient.temperature',
  'ambient.humidity',
  'battery.voltage',
  'battery.temperature',
  'ups.realpower',
  'output.current',
  'input.current',
  'ups.power',
  'outlet.1.current',
  'outlet.2.current',
  'battery.current',
  'output.frequency',
  'ups.efficiency',
]

/**
 * A site-sized mix: 900 `when` rules over 20 variables (45 each: a threshold, a threshold
 * while on battery, a threshold held for a while with an else), 50 event and timer rules,
 * 50 rules across two named devices.
 */
function rulesText(): string {
  const out: string[] = []
  for (let i = 0; i < 900; i++) {
    const v = variables[i % variables.length] as string
    const n = 10 + (i % 80)
    switch (Math.floor(i / variables.length) % 3) {
      case 0:
        out.push(`when ${v} > ${n} {\n  log "{ups} ${v} {${v}}"\n}`)
        break
      case 1:
        out.push(
          `when ${v} < ${n} and ups.status has OB {\n  notify "{ups} on battery, ${v} {${v}}"\n}`,
        )
        break
      default:
        out.push(
          `when ${v} > ${n} for ${30 + (i % 90)}s {\n  log "{ups} ${v} high"\n} else {\n  log "{ups} ${v} normal"\n}`,
        )
    }
  }
  for (let i = 0; i < 10; i++)
    out.push(
      `on ONBATT {\n  start timer t${i} ${60 + i * 30}s\n}\non ONLINE {\n  cancel timer t${i}\n}\non timer t${i} {\n  log "timer"\n}`,
    )
  for (let i = 0; i < 20; i++) out.push(`on LOWBATT, FSD {\n  notify "{ups}: {event}"\n}`)
  for (let i = 0; i < 50; i++)
    out.push(
      `when dev${i}:battery.charge < 30 and dev${i + 50}:battery.charge < 30 {\n  notify "two low"\n}`,
    )
  return out.join('\n\n')
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

function line(name: string, value: string, goal: string, ok: boolean): void {
  console.log(
    `${name.padEnd(46)} ${value.padStart(12)}   goal ${goal.padEnd(10)} ${ok ? 'ok' : 'MISSED'}`,
  )
}

const text = rulesText()

// ---- checking ---------------------------------------------------------------------------
const checkTimes: number[] = []
for (let i = 0; i < 15; i++) {
  const start = performance.now()
  const loaded = loadRulesText('bench.rules', text)
  checkTimes.push(performance.now() - start)
  if (hasErrors(loaded.diagnostics)) throw new Error('bench rules do not check')
}

// ---- evaluation -------------------------------------------------------------------------
const loaded = loadRulesText('bench.rules', text)
const store = new DeviceStore()
for (let d = 0; d < deviceCount; d++) {
  const device = store.add(`dev${d}`)
  // Every variable the rules read has a value (so no rule is skipped as unknown), in a
  // normal range: thresholds are crossed by the values the measurement writes.
  for (const v of variables) device.setValue(v, '120')
  device.setValue('ups.status', 'OL')
  device.setValue('battery.charge', '100')
  device.setCommState('ok')
}
let actions = 0
const sink: ActionSink = {
  run() {
    actions++
  },
}
// The broker's clock: `for` waits and timers are real timers (none falls due during the run).
const engine = new RulesEngine([loaded], { store, clock: systemClock, sink, log: silentLogger() })
engine.start()

const cpuPerChange = new Map<string, number>()

function measure(name: string, variable: string, values: string[], iterations: number): number[] {
  const times: number[] = []
  const cpuStart = process.cpuUsage()
  const devices = store.list()
  for (let i = 0; i < iterations; i++) {
    const device = devices[i % devices.length]
    // Each device steps through the values, so every write is a real change.
    const value = values[Math.floor(i / devices.length) % values.length] as string
    const start = process.hrtime.bigint()
    device?.setValue(variable, value)
    times.push(Number(process.hrtime.bigint() - start) / 1000)
  }
  const cpu = process.cpuUsage(cpuStart)
  cpuPerChange.set(name, (cpu.user + cpu.system) / iterations)
  return times
}

// Warm up the JIT, then measure.
measure('warm', 'battery.charge', ['90', '15', '45', '8'], 20_000)
const charge = measure(
  'battery.charge',
  'battery.charge',
  ['90', '15', '45', '8', '60', '25'],
  50_000,
)
const load = measure('ups.load', 'ups.load', ['40', '95', '60', '45'], 50_000)
const status = measure(
  'ups.status',
  'ups.status',
  ['OL', 'OB DISCHRG', 'OB DISCHRG LB', 'OL CHRG'],
  20_000,
)
const unread = measure('a variable no rule reads', 'ups.firmware', ['a', 'b'], 50_000)
engine.stop()

const readers = (name: string) =>
  text.split('\n').filter((l) => l.startsWith('when') && l.includes(`${name} `) && !l.includes(':'))
    .length

console.log(
  `rules engine: ${loaded.file.rules.length} rules over ${deviceCount} devices (${actions} actions emitted during the run)`,
)
console.log('no peer: NUT has no rule language; figures are printed beside the issue goals\n')
line(
  'check a 1,000-rule file (median of 15)',
  `${median(checkTimes).toFixed(1)} ms`,
  '< 200 ms',
  median(checkTimes) < 200,
)
for (const [name, times, fanout] of [
  ['change battery.charge', charge, readers('battery.charge')],
  ['change ups.load', load, readers('ups.load')],
  ['change ups.status (+ events: 30 on-rules)', status, readers('ups.status')],
  ['change a variable no rule reads', unread, 0],
] as const) {
  const m = median(times)
  line(`${name} (${fanout} rules read it), median`, `${m.toFixed(2)} µs`, '< 50 µs', m < 50)
  const key = name.replace('change ', '').replace(/ \(.*/, '')
  const cpu = cpuPerChange.get(key)
  if (cpu !== undefined)
    console.log(
      `${''.padEnd(46)} ${`${cpu.toFixed(2)} µs`.padStart(12)}   (mean CPU time per change)`,
    )
}
const p99 = [...charge].sort((a, b) => a - b)[Math.floor(charge.length * 0.99)] ?? 0
console.log(
  `\nbattery.charge change p99: ${p99.toFixed(2)} µs; load average ${(await import('node:os')).loadavg()[0]?.toFixed(1)} on ${(await import('node:os')).availableParallelism()} cores`,
)
