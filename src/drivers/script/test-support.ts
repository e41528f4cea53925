/**
 * Test helpers: a specification compiled from inline text and a fake device link that
 * answers written lines through a function (answers arrive on the next macrotask, as a
 * socket's would). Only tests import this file.
 */
import { setImmediate as tick } from 'node:timers/promises'
import { pino } from 'pino'
import { loadPowermanText } from '../../protocol/powerman/load.ts'
import { type PowermanSetup, powermanSetup, specProgram } from './powerman-devices.ts'
import type { SpecProgram } from './program.ts'
import type { LinkHandlers, OpenLink } from './transports/transport.ts'

export const silentLog = pino({ level: 'silent' })

export function setupFrom(text: string): PowermanSetup {
  const loaded = loadPowermanText('test.conf', text)
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error')
  if (errors.length > 0) throw new Error(errors.map((d) => d.message).join('\n'))
  return powermanSetup(loaded.file, 'test.conf')
}

export function programFrom(text: string, spec: string): SpecProgram {
  const compiled = specProgram(setupFrom(text), spec)
  if (!compiled.ok) throw new Error(compiled.errors.join('\n'))
  return compiled.program
}

export interface FakeDevice {
  open: OpenLink
  /** Everything written to the device, in order, across links. */
  written: string[]
  opens: number
  handlers: LinkHandlers | undefined
  /** Sends bytes as if the device had, outside any answer. */
  push(text: string): void
}

/**
 * `answer(line)` gets each line the engine writes (without its LF/CRLF) and returns the
 * reply, or undefined for silence. `greeting` is sent on connect; `refuse` makes every
 * open fail.
 */
export function fakeDevice(
  answer: (line: string) => string | undefined,
  options: { greeting?: string; refuse?: () => boolean; neverOpen?: boolean } = {},
): FakeDevice {
  const fake: FakeDevice = {
    written: [],
    opens: 0,
    handlers: undefined,
    push: (text) => fake.handlers?.data(text),
    open: (handlers) => {
      fake.opens++
      let pending = ''
      let closed = false
      fake.handlers = handlers
      void (async () => {
        await tick()
        if (closed) return
        if (options.refuse?.() === true) {
          handlers.closed('connection refused')
          return
        }
        if (options.neverOpen === true) return
        handlers.opened()
        if (options.greeting !== undefined) handlers.data(options.greeting)
      })()
      return {
        write: (text) => {
          fake.written.push(text)
          pending += text
          for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
            const line = pending.slice(0, nl).replace(/\r$/, '')
            pending = pending.slice(nl + 1)
            const reply = answer(line)
            if (reply !== undefined)
              void tick().then(() => {
                if (!closed) handlers.data(reply)
              })
          }
        },
        close: () => {
          closed = true
        },
      }
    },
  }
  return fake
}

/** Lets pending fake replies arrive. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await tick()
}
