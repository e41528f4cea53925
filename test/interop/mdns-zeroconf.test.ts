/**
 * mDNS: python-zeroconf (the library Home Assistant's zeroconf discovery uses) browses
 * for `_nut._tcp` and `_http._tcp` and finds nutshell's advertiser with the right port
 * and TXT. Both run inside a network namespace made here, on a veth pair of its own
 * (multicast never leaves the namespace), which is removed afterwards.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { run } from '../helpers/processes.ts'
import { waitFor } from '../helpers/wait.ts'

const namespace = `ns-mdns-${process.pid}`
const helper = (name: string) => fileURLToPath(new URL(`../helpers/${name}`, import.meta.url))
const inNs = (...args: string[]) => execFileSync('ip', ['netns', 'exec', namespace, ...args])
let advertiser: ChildProcess | undefined

before(async () => {
  execFileSync('ip', ['netns', 'add', namespace])
  inNs('ip', 'link', 'set', 'lo', 'up')
  inNs('ip', 'link', 'add', 'nsa', 'type', 'veth', 'peer', 'name', 'nsb')
  // Link-local addresses that exist only inside this namespace: DNS-SD needs an address
  // on a non-loopback interface to answer with.
  inNs('ip', 'addr', 'add', '169.254.77.1/24', 'dev', 'nsa')
  inNs('ip', 'addr', 'add', '169.254.77.2/24', 'dev', 'nsb')
  inNs('ip', 'link', 'set', 'nsa', 'up')
  inNs('ip', 'link', 'set', 'nsb', 'up')
  inNs('ip', 'route', 'add', '224.0.0.0/4', 'dev', 'nsa')
  advertiser = spawn(
    'ip',
    [
      'netns',
      'exec',
      namespace,
      process.execPath,
      '--import',
      'tsx',
      helper('mdns-advertise.ts'),
      '3493',
      '8080',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  let out = ''
  advertiser.stdout?.setEncoding('utf8').on('data', (d: string) => {
    out += d
  })
  await waitFor(() => out.includes('ready'), { what: 'advertiser ready' })
})

after(async () => {
  if (advertiser !== undefined && advertiser.exitCode === null) {
    const exited = once(advertiser, 'exit')
    advertiser.kill('SIGTERM')
    await exited
  }
  execFileSync('ip', ['netns', 'del', namespace])
})

async function browse(type: string): Promise<Record<string, unknown>> {
  const r = await run(
    'ip',
    ['netns', 'exec', namespace, '/usr/bin/python3', helper('zeroconf-browse.py'), type, '8'],
    { timeoutMs: 20_000 },
  )
  assert.equal(r.code, 0, `zeroconf found no ${type}: ${r.stderr}`)
  return JSON.parse(r.stdout.trim().split('\n')[0] as string) as Record<string, unknown>
}

describe('mDNS advertising, browsed by python-zeroconf', () => {
  it('finds _nut._tcp on the NUT port with nutshell TXT records', async () => {
    const service = await browse('_nut._tcp.local.')
    assert.equal(service['name'], 'nutshell-test._nut._tcp.local.')
    assert.equal(service['port'], 3493)
    assert.deepEqual(service['txt'], {
      txtvers: '1',
      server: 'nutshell',
      version: '0.1.0',
      protocol: 'nut',
    })
    assert.ok((service['addresses'] as string[]).includes('169.254.77.1'))
  })

  it('finds the web face as _http._tcp with its path', async () => {
    const service = await browse('_http._tcp.local.')
    assert.equal(service['port'], 8080)
    assert.deepEqual(service['txt'], { path: '/' })
  })
})
