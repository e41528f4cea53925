/**
 * A private "system" bus with python-dbusmock services on it (system-interfaces.md 1.7):
 * dbus-daemon with a config that admits every uid, and `/usr/bin/python3 -m dbusmock
 * --template NAME` connected through $DBUS_SYSTEM_BUS_ADDRESS. The mock's `-l` log is
 * what tests read to see which calls arrived with which arguments.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ProcessGroup, run } from './processes.ts'
import { waitFor } from './wait.ts'

export interface PrivateBus {
  address: string
  dir: string
  /** The text log of a mock started with `startMock` (one line per call). */
  calls(template: string): Promise<string[]>
  startMock(template: string, parameters?: Record<string, unknown>): Promise<void>
  /** `busctl call` on the private bus; returns its stdout. */
  busctl(args: readonly string[]): Promise<string>
  stop(): Promise<void>
}

export const dbusAvailable =
  existsSync('/usr/bin/dbus-daemon') &&
  existsSync('/usr/bin/busctl') &&
  existsSync('/usr/lib/python3/dist-packages/dbusmock')

const services: Record<string, { name: string; path: string }> = {
  logind: { name: 'org.freedesktop.login1', path: '/org/freedesktop/login1' },
  polkitd: { name: 'org.freedesktop.PolicyKit1', path: '/org/freedesktop/PolicyKit1/Authority' },
}

export async function startPrivateBus(): Promise<PrivateBus> {
  const dir = await mkdtemp(join(tmpdir(), 'ns-bus-'))
  const socket = join(dir, 'bus.sock')
  const address = `unix:path=${socket}`
  await writeFile(
    join(dir, 'bus.conf'),
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>custom</type><listen>${address}</listen><auth>EXTERNAL</auth>
  <policy context="default"><allow user="*"/><allow own="*"/><allow send_type="method_call"/>
    <allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/></policy></busconfig>
`,
  )
  const group = new ProcessGroup()
  group.start('dbus-daemon', '/usr/bin/dbus-daemon', [
    `--config-file=${join(dir, 'bus.conf')}`,
    '--nofork',
    '--nopidfile',
  ])
  await waitFor(() => existsSync(socket), { what: 'the private bus socket' })
  const env = { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: address }
  const busctl = async (args: readonly string[]) => {
    const result = await run('/usr/bin/busctl', [`--address=${address}`, ...args], { env })
    if (result.code !== 0) throw new Error(`busctl ${args.join(' ')}: ${result.stderr}`)
    return result.stdout
  }
  return {
    address,
    dir,
    busctl,
    calls: async (template) => {
      const text = await readFile(join(dir, `${template}.log`), 'utf8').catch(() => '')
      return text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => line.replace(/^\d+\.\d+ /, ''))
    },
    startMock: async (template, parameters) => {
      const args = ['-m', 'dbusmock', '--template', template, '-l', join(dir, `${template}.log`)]
      if (parameters !== undefined) args.push('-p', JSON.stringify(parameters))
      group.start(template, '/usr/bin/python3', args, env)
      const service = services[template]
      if (service === undefined) throw new Error(`no service known for template ${template}`)
      await waitFor(
        async () => {
          const names = await busctl(['list', '--no-pager', '--acquired'])
          return names.includes(service.name)
        },
        { what: `the ${template} mock on the bus`, timeoutMs: 15_000 },
      )
    },
    stop: async () => {
      await group.stopAll()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
