/**
 * The fault run of issue 3, shared by its test (which checks what must always hold) and
 * its benchmark (which prints the timings): Debian's real dummy-ups is killed every 5 s
 * (down 1 s, then restarted as a service manager would) while both the REAL upsd 2.8.0 and
 * `nutshell upsd` (in-process, attach-only) serve it from the same state socket; then the
 * driver is SIGSTOPped past MAXAGE and resumed. A client polls each server every 50 ms.
 */
import type { ChildProcess } from 'node:child_process'
import { existsSync, watch, writeFileSync } from 'node:fs'
import { createConnection, type Socket } from 'node:net'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { pino } from 'pino'
import { type Broker, startBroker } from '../../src/broker/broker.ts'
import { loadNutConfigDir } from '../../src/config/nut-dir.ts'
import { createNutDir, nutBinaries } from './nut-peer.ts'
import { freePort } from './ports.ts'
import { ProcessGroup } from './processes.ts'
import { canConnect, waitFor } from './wait.ts'

const periodMs = 5000
const downMs = 1000
const maxAgeS = 3

interface Sample {
  t: number
  ok: boolean
  value: string
}

/** Polls GET VAR every 50 ms on one connection and records each answer. */
class Poller {
  readonly samples: Sample[] = []
  private socket: Socket | undefined
  private timer: NodeJS.Timeout | undefined
  private buffer = ''

  async start(port: number): Promise<void> {
    const socket = createConnection({ port, host: '127.0.0.1' })
    this.socket = socket
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      this.buffer += chunk
      let lf = this.buffer.indexOf('\n')
      while (lf >= 0) {
        const line = this.buffer.slice(0, lf)
        this.buffer = this.buffer.slice(lf + 1)
        const ok = line.startsWith('VAR ')
        const value = ok ? (/"(.*)"$/.exec(line)?.[1] ?? '') : line
        this.samples.push({ t: performance.now(), ok, value })
        lf = this.buffer.indexOf('\n')
      }
    })
    this.timer = setInterval(() => socket.write('GET VAR dummy battery.charge\n'), 50)
  }

  stop(): void {
    clearInterval(this.timer)
    this.socket?.destroy()
  }
}

interface Outage {
  detectMs: number | undefined
  /** Restart → the server answers from the driver again (dump landed, value or not). */
  attachMs: number | undefined
  /** Restart → the value the new driver instance read from its file (driver-limited). */
  freshMs: number | undefined
  flaps: number
  logLines: number
}

function analyse(
  samples: Sample[],
  kill: number,
  restart: number,
  end: number,
  expected: string,
  logTimes: number[],
): Outage {
  const window = samples.filter((s) => s.t >= kill && s.t < end)
  const firstErr = window.find((s) => !s.ok)
  const fresh = window.find((s) => s.t >= restart && s.ok && s.value === expected)
  const attach = window.find(
    (s) => s.t >= restart && (s.ok || s.value.includes('VAR-NOT-SUPPORTED')),
  )
  let transitions = 0
  let last = true
  for (const s of window) {
    if (s.ok !== last) transitions++
    last = s.ok
  }
  return {
    detectMs: firstErr === undefined ? undefined : firstErr.t - kill,
    attachMs: attach === undefined ? undefined : attach.t - restart,
    freshMs: fresh === undefined ? undefined : fresh.t - restart,
    flaps: Math.max(0, transitions - 2),
    logLines: logTimes.filter((t) => t >= kill && t < end).length,
  }
}

function summary(
  name: string,
  outages: Outage[],
  report: (line: string) => void,
): Record<string, number> {
  const pick = (f: (o: Outage) => number | undefined): number[] =>
    outages.map(f).filter((v): v is number => v !== undefined)
  const max = (xs: number[]): number => (xs.length === 0 ? Number.NaN : Math.max(...xs))
  const mean = (xs: number[]): number =>
    xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length
  const detect = pick((o) => o.detectMs)
  const fresh = pick((o) => o.freshMs)
  const attach = pick((o) => o.attachMs)
  const result = {
    outages: outages.length,
    undetected: outages.length - detect.length,
    neverFresh: outages.length - fresh.length,
    detectMeanMs: Math.round(mean(detect)),
    detectMaxMs: Math.round(max(detect)),
    attachMeanMs: Math.round(mean(attach)),
    attachMaxMs: Math.round(max(attach)),
    freshMeanMs: Math.round(mean(fresh)),
    freshMaxMs: Math.round(max(fresh)),
    flaps: outages.reduce((a, o) => a + o.flaps, 0),
    maxLogLinesPerOutage: Math.max(...outages.map((o) => o.logLines)),
  }
  report(`${name.padEnd(14)} ${JSON.stringify(result)}`)
  return result
}

export interface DriverFaultResult {
  /** Per server: outages, undetected, neverFresh, flaps, maxLogLinesPerOutage, timings. */
  figures: Record<'upsd' | 'nutshell', Record<string, number>>
  /** Per server: ms from SIGSTOP to ERR DATA-STALE (undefined: never) and from SIGCONT to ok. */
  stopped: Record<'upsd' | 'nutshell', { staleMs: number | undefined; backMs: number | undefined }>
}

export async function runDriverFaults(
  cycles: number,
  report: (line: string) => void = () => {},
): Promise<DriverFaultResult> {
  const upsdPort = await freePort()
  const nutshellPort = await freePort()
  const dir = await createNutDir({
    'ups.conf': '[dummy]\n  driver = dummy-ups\n  port = dummy.dev\n',
    'dummy.dev': 'ups.status: OL\nbattery.charge: 100\n',
    'upsd.conf': `LISTEN 127.0.0.1 ${upsdPort}\nMAXAGE ${maxAgeS}\n`,
    'upsd.users': '',
  })
  const processes = new ProcessGroup()
  const upsdLog: number[] = []
  const nutshellLog: number[] = []
  let runtime: Broker | undefined
  try {
    let driverName = 'driver-0'
    let current: ChildProcess | undefined
    const startDriver = (n: number): void => {
      writeFileSync(join(dir.etc, 'dummy.dev'), `ups.status: OL\nbattery.charge: ${100 - n}\n`)
      driverName = `driver-${n}`
      current = processes.start(
        driverName,
        nutBinaries.dummyUps,
        ['-a', 'dummy', '-u', 'root', '-F'],
        dir.env,
      )
    }
    const socketTimes: number[] = []
    const socketName = 'dummy-ups-dummy'
    const watcher = watch(dir.run, (_event, file) => {
      if (file === socketName && existsSync(join(dir.run, socketName))) {
        socketTimes.push(performance.now())
      }
    })
    startDriver(0)
    await delay(500)
    const upsd = processes.start('upsd', nutBinaries.upsd, ['-u', 'root', '-F'], dir.env)
    upsd.stderr?.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n')) {
        if (line.trim() !== '' && !line.includes('Init SSL')) upsdLog.push(performance.now())
      }
    })
    const loaded = await loadNutConfigDir(dir.etc, { env: dir.env })
    if (!loaded.ok) throw new Error('config')
    const config = loaded.value
    config.server.listen = [{ host: '127.0.0.1', port: nutshellPort }]
    const log = pino({ level: 'info' }, { write: () => nutshellLog.push(performance.now()) })
    runtime = await startBroker(config, { mode: 'upsd', log })
    await waitFor(() => canConnect(upsdPort), { what: 'upsd' })
    const pollers = { upsd: new Poller(), nutshell: new Poller() }
    await pollers.upsd.start(upsdPort)
    await pollers.nutshell.start(nutshellPort)
    await waitFor(
      () => [pollers.upsd, pollers.nutshell].every((p) => p.samples.at(-1)?.value === '100'),
      { what: 'both serving', timeoutMs: 15_000 },
    )
    report(
      `kill/restart: ${cycles} cycles of ${periodMs} ms (down ${downMs} ms), MAXAGE ${maxAgeS} s`,
    )
    const marks: Array<{ kill: number; restart: number; end: number; expected: string }> = []
    for (let n = 1; n <= cycles; n++) {
      const kill = performance.now()
      await processes.stop(driverName, 'SIGKILL')
      await delay(downMs)
      const restart = performance.now()
      startDriver(n)
      await delay(periodMs - downMs)
      marks.push({ kill, restart, end: performance.now(), expected: String(100 - n) })
    }
    watcher.close()
    // From the driver's socket appearing to the server answering from it: the server's part.
    for (const [name, poller] of Object.entries(pollers)) {
      const lags = marks.flatMap((m) => {
        const appeared = socketTimes.find((t) => t >= m.restart && t < m.end)
        const served = poller.samples.find(
          (s) =>
            appeared !== undefined &&
            s.t >= appeared &&
            s.t < m.end &&
            (s.ok || s.value.includes('VAR-NOT-SUPPORTED')),
        )
        return appeared === undefined || served === undefined ? [] : [served.t - appeared]
      })
      const mean = lags.reduce((a, b) => a + b, 0) / Math.max(1, lags.length)
      report(
        `${name.padEnd(14)} socket appears → served: mean ${Math.round(mean)} ms, max ${Math.round(Math.max(...lags))} ms (${lags.length} restarts; 50 ms polling)`,
      )
    }
    const figures: Record<string, Record<string, number>> = {}
    const stopped: DriverFaultResult['stopped'] = {
      upsd: { staleMs: undefined, backMs: undefined },
      nutshell: { staleMs: undefined, backMs: undefined },
    }
    for (const [name, poller] of Object.entries(pollers)) {
      const logTimes = name === 'upsd' ? upsdLog : nutshellLog
      figures[name] = summary(
        name,
        marks.map((m) => analyse(poller.samples, m.kill, m.restart, m.end, m.expected, logTimes)),
        report,
      )
    }
    const ratio = (key: string): string =>
      ((figures['nutshell']?.[key] ?? 0) / (figures['upsd']?.[key] || 1)).toFixed(2)
    report(
      `ratio nutshell/upsd: detectMean ${ratio('detectMeanMs')}, attachMean ${ratio('attachMeanMs')}, freshMean ${ratio('freshMeanMs')}, freshMax ${ratio('freshMaxMs')}`,
    )

    // SIGSTOP past MAXAGE: stale as upsd judges it, then fresh again on SIGCONT.
    const driverPid = String(current?.pid ?? 0)
    const stopAt = performance.now()
    process.kill(Number(driverPid.trim()), 'SIGSTOP')
    await delay((maxAgeS + 4) * 1000)
    const contAt = performance.now()
    process.kill(Number(driverPid.trim()), 'SIGCONT')
    await delay(3000)
    for (const [name, poller] of Object.entries(pollers)) {
      const after = poller.samples.filter((s) => s.t >= stopAt)
      const stale = after.find((s) => !s.ok && s.value.includes('DATA-STALE'))
      const back = after.find((s) => s.t >= contAt && s.ok)
      stopped[name as 'upsd' | 'nutshell'] = {
        staleMs: stale === undefined ? undefined : stale.t - stopAt,
        backMs: back === undefined ? undefined : back.t - contAt,
      }
      report(
        `${name.padEnd(14)} SIGSTOP → DATA-STALE after ${stale === undefined ? 'never' : Math.round(stale.t - stopAt)} ms (limit ${(maxAgeS + 1) * 1000}); SIGCONT → ok after ${back === undefined ? 'never' : Math.round(back.t - contAt)} ms`,
      )
    }
    pollers.upsd.stop()
    pollers.nutshell.stop()
    return {
      figures: figures as DriverFaultResult['figures'],
      stopped,
    }
  } finally {
    await runtime?.stop()
    await processes.stopAll()
    await dir.cleanup()
  }
}
