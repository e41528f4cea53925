import { rm } from 'node:fs/promises'
import { createServer, type Server, type Socket } from 'node:net'

/**
 * A minimal stand-in for a NUT driver on the driver state socket (reference: nut-protocol.md
 * section 2), so that the REAL upsd serves variables that Debian's dummy-ups cannot make:
 * enumerations, ranges, read-only values, several instant commands. upsd connects to it as
 * it connects to any driver; the clients under test still talk only to the real upsd.
 *
 * SET and INSTCMD are answered as dummy-ups does: a SET stores the value and broadcasts it;
 * INSTCMD answers TRACKING with `instcmdResult` (0 success, 1 unknown, ...).
 */
export interface FakeDriverOptions {
  /** The DUMPALL lines (SETINFO/ADDENUM/ADDRANGE/SETAUX/SETFLAGS/ADDCMD), without DUMPDONE. */
  dump: string[]
  /** TRACKING result per command (default 0, success); `null`: never answer (stays PENDING). */
  instcmdResults?: Record<string, number | null>
}

export interface FakeDriver {
  /** Every line upsd sent to the driver, for assertions. */
  received: string[]
  close(): Promise<void>
}

export async function startFakeDriver(
  path: string,
  options: FakeDriverOptions,
): Promise<FakeDriver> {
  const received: string[] = []
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    let buffer = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      buffer += chunk
      for (;;) {
        const end = buffer.indexOf('\n')
        if (end < 0) break
        const line = buffer.slice(0, end)
        buffer = buffer.slice(end + 1)
        received.push(line)
        answer(socket, line)
      }
    })
  })
  const broadcast = (line: string): void => {
    for (const s of sockets) s.write(`${line}\n`)
  }
  const answer = (socket: Socket, line: string): void => {
    const words = line.trim().split(/\s+/)
    const verb = words[0]
    if (verb === 'DUMPALL') {
      socket.write(`${[...options.dump, 'DATAOK', 'DUMPDONE'].join('\n')}\n`)
    } else if (verb === 'PING') {
      socket.write('PONG\n')
    } else if (verb === 'SET') {
      // SET <var> "<value>" [TRACKING <id>]: the value is quoted and escaped by upsd.
      const match = /^SET (\S+) ("(?:[^"\\]|\\.)*"|\S+)(?: TRACKING (\S+))?$/.exec(line)
      if (match === null) return
      broadcast(`SETINFO ${match[1]} ${match[2]}`)
      if (match[3] !== undefined) broadcast(`TRACKING ${match[3]} 0`)
    } else if (verb === 'INSTCMD') {
      const at = words.indexOf('TRACKING')
      const results = options.instcmdResults ?? {}
      const command = words[1] ?? ''
      const result = Object.hasOwn(results, command) ? results[command] : 0
      if (at > 0 && words[at + 1] !== undefined && result !== null && result !== undefined) {
        broadcast(`TRACKING ${words[at + 1]} ${result}`)
      }
    }
  }
  await rm(path, { force: true })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(path, () => resolve())
  })
  return {
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

/**
 * ups.conf sections for upsd: `rich`, served by a fake driver started on
 * `<statepath>/fakedrv-rich`, and `ghost`, whose driver never starts (a section may follow
 * with more lines for it).
 */
export const fakeDriverSections: readonly string[] = [
  '[rich]',
  '\tdriver = fakedrv',
  '\tport = none',
  '[ghost]',
  '\tdriver = fakedrv',
  '\tport = none',
]

/** A device with every variable type upsrw knows how to show. */
export const richDump: string[] = [
  'SETINFO battery.charge "87"',
  'SETINFO battery.charge.low "20"',
  'SETFLAGS battery.charge.low RW NUMBER',
  'ADDRANGE battery.charge.low 5 40',
  'ADDRANGE battery.charge.low 50 60',
  'SETINFO device.type "ups"',
  'SETINFO input.transfer.high "250"',
  'ADDENUM input.transfer.high "240"',
  'ADDENUM input.transfer.high "250"',
  'ADDENUM input.transfer.high "260"',
  'SETFLAGS input.transfer.high RW NUMBER',
  'SETINFO ups.delay.shutdown "20"',
  'SETFLAGS ups.delay.shutdown RW NUMBER',
  'SETINFO ups.id "rack \\"A\\" \\# 1"',
  'SETAUX ups.id 16',
  'SETFLAGS ups.id RW STRING',
  'SETINFO ups.status "OL"',
  'SETINFO ups.beeper.status "enabled"',
  'ADDENUM ups.beeper.status "enabled"',
  'ADDENUM ups.beeper.status "disabled"',
  'ADDENUM ups.beeper.status "muted"',
  'SETAUX ups.beeper.status 10',
  'SETFLAGS ups.beeper.status RW STRING',
  'SETINFO x.custom "free text"',
  'SETAUX x.custom 8',
  'SETFLAGS x.custom RW STRING',
  'ADDCMD beeper.toggle',
  'ADDCMD load.off',
  'ADDCMD load.on',
  'ADDCMD test.battery.start.quick',
  'ADDCMD test.failure.start',
  'ADDCMD x.custom.cmd',
]
