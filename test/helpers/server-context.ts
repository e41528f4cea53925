/**
 * Runs NUT server commands without sockets: a ServerContext over a hand-filled store, on
 * a ManualClock, and sessions whose requests go straight to the dispatcher.
 */
import type { UserConfig } from '../../src/config/types.ts'
import { silentLogger } from '../../src/core/log.ts'
import { ManualClock } from '../../src/core/manual-clock.ts'
import type { DeviceStore } from '../../src/devices/device-store.ts'
import { wireString } from '../../src/protocol/net-request.ts'
import { buildCommandTable, builtinFamilies } from '../../src/server/commands/registry.ts'
import { fail } from '../../src/server/commands/replies.ts'
import type {
  CommandContext,
  CommandFamily,
  ServerContext,
  SessionState,
} from '../../src/server/commands/types.ts'
import { fallbackDescriptions } from '../../src/server/descriptions.ts'
import { dispatch } from '../../src/server/dispatch.ts'
import { LoginRegistry } from '../../src/server/login-registry.ts'
import { TrackingTable } from '../../src/server/tracking.ts'
import { UserDirectory } from '../../src/server/users.ts'
import { sampleUsers, testServerConfig } from './nut-server-fixture.ts'

export interface Harness {
  context: ServerContext
  clock: ManualClock
  refusals: string[]
  session(address?: string): TestSession
}

export interface TestSession {
  state: SessionState
  /** Runs one request line; returns the reply text without the final LF. */
  run(line: string): Promise<string>
  /** What the connection would do after the last reply. */
  lastAfter: 'close' | 'starttls' | undefined
  sent: string[]
  close(): void
}

export function commandHarness(
  store: DeviceStore,
  options: { users?: UserConfig[]; tlsAvailable?: boolean; families?: CommandFamily[] } = {},
): Harness {
  const clock = new ManualClock()
  const refusals: string[] = []
  const logins = new LoginRegistry()
  const context: ServerContext = {
    store,
    users: new UserDirectory(options.users ?? sampleUsers),
    tracking: new TrackingTable(clock, 3_600_000),
    logins,
    descriptions: fallbackDescriptions(),
    config: testServerConfig(),
    clock,
    log: silentLogger(),
    versionText: 'Network UPS Tools upsd 2.8.0 - nutshell test',
    tlsAvailable: options.tlsAvailable ?? false,
    credentialsRefused: async (session) => {
      refusals.push(session.address)
      return fail('ACCESS-DENIED')
    },
  }
  const commands = buildCommandTable([...builtinFamilies, ...(options.families ?? [])])
  let nextId = 1
  return {
    context,
    clock,
    refusals,
    session(address = '127.0.0.1') {
      const state: SessionState = {
        id: nextId++,
        address,
        username: undefined,
        password: undefined,
        loginUps: undefined,
        tracking: false,
        tls: false,
      }
      const closeListeners: Array<() => void> = []
      const session: TestSession = {
        state,
        lastAfter: undefined,
        sent: [],
        async run(line) {
          const commandContext: CommandContext = {
            session: state,
            server: context,
            connection: {
              send: (text) => session.sent.push(text),
              onClose: (listener) => {
                closeListeners.push(listener)
                return () => {}
              },
              close: () => session.close(),
            },
          }
          const reply = await dispatch(
            commands,
            wireString(new TextEncoder().encode(line)),
            commandContext,
          )
          session.lastAfter = reply.after
          return reply.text.replace(/\n$/, '')
        },
        close() {
          if (state.loginUps !== undefined) logins.remove(state.loginUps, state)
          for (const listener of closeListeners) listener()
        },
      }
      return session
    },
  }
}
