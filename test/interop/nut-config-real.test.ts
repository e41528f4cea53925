/**
 * What real NUT accepts, nutshell's readers accept, and read the same way:
 * - Debian's sample files (and their commented-out examples, uncommented) give no error;
 * - one config directory is served by real upsd + dummy-ups and read by loadNutConfigDir:
 *   the device list and descriptions match `upsc -L`, and every user/password pair gets
 *   the same LOGIN and PRIMARY answers from real upsd as our reading of upsd.users predicts.
 */
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { loadNutConfigDir } from '../../src/config/nut-dir.ts'
import type { UserAction, UserConfig } from '../../src/config/types.ts'
import {
  type ConfigDiagnostic,
  formatDiagnostic,
  parseUpsConf,
  parseUpsdConf,
  parseUpsdUsers,
  parseUpsmonConf,
  parseUpsschedConf,
} from '../../src/protocol/nut-config/index.ts'
import { createNutDir, nutBinaries, type RealNut, startRealNut } from '../helpers/nut-peer.ts'
import { freePort } from '../helpers/ports.ts'
import { run } from '../helpers/processes.ts'

const readers: Record<string, (text: string, file: string) => { diagnostics: ConfigDiagnostic[] }> =
  {
    'ups.conf': parseUpsConf,
    'upsd.conf': parseUpsdConf,
    'upsd.users': parseUpsdUsers,
    'upsmon.conf': parseUpsmonConf,
    'upssched.conf': parseUpsschedConf,
  }

/** Debian's sample files: /etc/nut as installed, and any examples directory. */
function sampleFiles(): { name: string; path: string }[] {
  const found: { name: string; path: string }[] = []
  const dirs = ['/etc/nut']
  for (const doc of existsSync('/usr/share/doc') ? readdirSync('/usr/share/doc') : []) {
    if (doc.startsWith('nut')) dirs.push(join('/usr/share/doc', doc, 'examples'))
  }
  for (const dir of dirs) {
    if (!existsSync(dir)) continue
    for (const file of readdirSync(dir)) {
      const name = file.replace(/\.sample$/, '')
      if (Object.hasOwn(readers, name)) found.push({ name, path: join(dir, file) })
    }
  }
  return found
}

const errorsOf = (list: readonly ConfigDiagnostic[]) =>
  list.filter((d) => d.severity === 'error').map(formatDiagnostic)

/**
 * The samples' commented-out examples, uncommented: lines `# WORD value...` whose first
 * word is a directive of that file and which hold no placeholder (<...>) and no prose.
 */
function uncommentedExamples(name: string, text: string): string {
  const lines = text.split('\n')
  if (name === 'ups.conf' || name === 'upsd.users') {
    // Example sections: `# [name]` followed by `#   key = value` lines.
    const out: string[] = []
    let inExample = false
    for (const line of lines) {
      const header = /^#\s*(\[[a-z]+\])\s*$/.exec(line)
      if (header !== null) {
        inExample = !line.includes('<')
        if (inExample) out.push(header[1] as string)
        continue
      }
      const setting = /^#\s+([a-z_]+\s*=\s*.*|upsmon \w+)$/.exec(line)
      if (inExample && setting !== null && !line.includes('<')) out.push(setting[1] as string)
      else inExample = inExample && setting !== null
    }
    return `${out.join('\n')}\n`
  }
  const directive = /^# ?([A-Z_]{2,})\s+(?![-:])(.*)$/
  return `${lines
    .map((line) => directive.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .filter((m) => !m[0].includes('<') && !m[0].includes('...') && !/myhostname/.test(m[0]))
    .filter((m) => !/^[a-z(]/.test(m[2] as string) || (m[1] as string).startsWith('CERT'))
    .map((m) => `${m[1]} ${m[2]}`)
    .join('\n')}\n`
}

describe("Debian's sample config files", () => {
  const samples = sampleFiles()
  it('are present on this machine', () => {
    assert.ok(samples.length >= 5, `found ${samples.map((s) => s.path).join(', ')}`)
  })
  for (const sample of samples) {
    it(`${sample.path} reads without an error`, () => {
      const text = readFileSync(sample.path, 'utf8')
      const read = readers[sample.name] as (
        t: string,
        f: string,
      ) => { diagnostics: ConfigDiagnostic[] }
      assert.deepEqual(errorsOf(read(text, sample.path).diagnostics), [])
    })
    it(`${sample.path}: its commented-out examples read without an error`, () => {
      const text = uncommentedExamples(sample.name, readFileSync(sample.path, 'utf8'))
      const read = readers[sample.name] as (
        t: string,
        f: string,
      ) => { diagnostics: ConfigDiagnostic[] }
      const r = read(text, `${sample.path} (uncommented)`)
      assert.deepEqual(errorsOf(r.diagnostics), [], text)
    })
  }
})

const upsConf = `# globals as Debian writes them
maxretry = 3
pollinterval = 2
[dummy]
	driver = dummy-ups
	port = dummy.dev
	desc = "Test \\"quoted\\" UPS \\# not a comment"
	nolock
[second]
	driver = dummy-ups
	port = second.dev
	desc = "Escaped\\\\backslash, = and spaces"
[Third-3.x]
	driver=dummy-ups
	port=third.dev
[incomplete]
	driver = dummy-ups
`

const upsdUsers = `stray = ignored
[admin]
	password = adminpass
	actions = SET FSD
	instcmds = ALL
[monp]
	password = p@ssw0rd
	upsmon primary
[mons]
	password = secpass
	upsmon = secondary
[mastr]
	password = m
	upsmon master
[viewer]
	password = viewpass
[loginonly]
	password = l
	actions = login
[prim]
	password = pr
	actions = Primary
[dup]
	password = first
	password = second
	actions = LOGIN
[dup]
	password = third
	actions = LOGIN
[Dup]
	password = other
	upsmon slave
[quoted]
	password = "two words"
	actions = LOGIN
[nopass]
	actions = LOGIN
[keycase]
	PASSWORD = kc
	Actions = LOGIN
	UPSMON PRIMARY
`

/** Sends lines on one connection and returns one reply line per request line. */
async function ask(port: number, lines: readonly string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' })
    let buffer = ''
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no full answer to ${lines.join(' | ')}: ${buffer}`))
    }, 5000)
    socket.setEncoding('utf8')
    socket.on('connect', () => socket.write(`${lines.join('\n')}\n`))
    socket.on('data', (d: string) => {
      buffer += d
      const got = buffer.split('\n').filter((l) => l !== '')
      if (got.length >= lines.length) {
        clearTimeout(timer)
        socket.destroy()
        resolve(got.slice(0, lines.length))
      }
    })
    socket.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
  })
}

describe('one config directory, real upsd and loadNutConfigDir', () => {
  let nut: RealNut
  before(async () => {
    nut = await startRealNut(
      {
        'ups.conf': upsConf,
        'dummy.dev': 'ups.status: OL\nbattery.charge: 90\n',
        'upsd.users': upsdUsers,
      },
      ['dummy'],
      {
        // NUT's own directives, one obsolete one, and nutshell's NUTSHELL_* extensions:
        // upsd must still start and serve.
        extraUpsdConf:
          'MAXAGE 15\nTRACKINGDELAY 3600\nMAXCONN 1024\nDEBUG_MIN 0\nACL all 0.0.0.0/0\nNUTSHELL_IDLE_TIMEOUT 30\nNUTSHELL_MAX_LINE 1024\n',
      },
    )
  })
  after(async () => {
    await nut?.stop()
  })

  it('lists the same devices with the same descriptions', async () => {
    const ours = await loadNutConfigDir(nut.dir.etc, { env: nut.dir.env })
    assert.ok(ours.ok, ours.diagnostics.map(formatDiagnostic).join('\n'))
    assert.ok(ours.diagnostics.every((d) => d.severity === 'warning'))
    const listed = await run(nutBinaries.upsc, ['-L', `127.0.0.1:${nut.port}`])
    assert.equal(listed.code, 0, listed.stderr)
    const theirs = listed.stdout
      .trim()
      .split('\n')
      .map((line) => {
        const colon = line.indexOf(': ')
        return [line.slice(0, colon), line.slice(colon + 2)]
      })
      .sort()
    const mine = ours.value.devices
      .map((d) => [d.name, d.description ?? 'Description unavailable'])
      .sort()
    assert.deepEqual(mine, theirs)
    assert.equal(ours.value.server.maxAgeMs, 15_000)
    assert.equal(ours.value.server.limits.idleTimeoutMs, 30_000)
    assert.deepEqual(ours.value.server.listen, [{ host: '127.0.0.1', port: nut.port }])
  })

  it('grants LOGIN and PRIMARY exactly as real upsd does', async () => {
    const ours = await loadNutConfigDir(nut.dir.etc, { env: nut.dir.env })
    assert.ok(ours.ok)
    const attempts: [string, string][] = [
      ['admin', 'adminpass'],
      ['monp', 'p@ssw0rd'],
      ['mons', 'secpass'],
      ['mastr', 'm'],
      ['viewer', 'viewpass'],
      ['loginonly', 'l'],
      ['prim', 'pr'],
      ['dup', 'first'],
      ['dup', 'second'],
      ['dup', 'third'],
      ['Dup', 'other'],
      ['quoted', '"two words"'],
      ['nopass', 'x'],
      ['keycase', 'kc'],
      ['ADMIN', 'adminpass'],
      ['monp', 'P@ssw0rd'],
    ]
    for (const [user, password] of attempts) {
      const replies = await ask(nut.port, [
        `USERNAME ${user}`,
        `PASSWORD ${password}`,
        'LOGIN dummy',
        'PRIMARY dummy',
      ])
      const config: UserConfig | undefined = ours.value.users.find((u) => u.name === user)
      const plainPassword = password.replace(/^"(.*)"$/, '$1')
      const actions: UserAction[] = config?.password === plainPassword ? config.actions : []
      const expected: string[] = [
        'OK',
        'OK',
        actions.includes('LOGIN') ? 'OK' : 'ERR ACCESS-DENIED',
        actions.includes('PRIMARY') ? 'OK PRIMARY-GRANTED' : 'ERR ACCESS-DENIED',
      ]
      assert.deepEqual(replies, expected, `${user} / ${password}`)
    }
  })
})

describe('what upsd refuses, nutshell refuses (and the reverse)', () => {
  const device = '[a]\n\tdriver = dummy-ups\n\tport = a.dev\n'
  const cases: { name: string; files: Record<string, string>; starts: boolean }[] = [
    { name: 'no upsd.conf', files: { 'ups.conf': device, 'upsd.users': '' }, starts: false },
    { name: 'no upsd.users', files: { 'ups.conf': device, 'upsd.conf': '' }, starts: false },
    { name: 'no ups.conf', files: { 'upsd.conf': '', 'upsd.users': '' }, starts: false },
    {
      name: 'only an incomplete device',
      files: { 'ups.conf': '[a]\n\tdriver = dummy-ups\n', 'upsd.conf': '', 'upsd.users': '' },
      starts: false,
    },
    {
      name: 'no device but ALLOW_NO_DEVICE',
      files: { 'ups.conf': '', 'upsd.conf': 'ALLOW_NO_DEVICE true\n', 'upsd.users': '' },
      starts: true,
    },
    {
      name: 'empty upsd.conf and upsd.users, a device named default',
      files: { 'ups.conf': device.replace('[a]', '[default]'), 'upsd.conf': '', 'upsd.users': '' },
      starts: true,
    },
  ]
  for (const c of cases) {
    it(c.name, async () => {
      const port = await freePort()
      const files = { ...c.files }
      // Listen on a private port so that a real upsd that starts does not collide.
      if (files['upsd.conf'] !== undefined) files['upsd.conf'] += `LISTEN 127.0.0.1 ${port}\n`
      const dir = await createNutDir(files)
      try {
        const upsd = await run(nutBinaries.upsd, ['-u', 'root', '-F'], {
          env: dir.env,
          timeoutMs: 1500,
        })
        const upsdStarted = upsd.signal === 'SIGKILL'
        assert.equal(upsdStarted, c.starts, `real upsd: ${upsd.code} ${upsd.stderr}`)
        const ours = await loadNutConfigDir(dir.etc, { env: {} })
        assert.equal(ours.ok, c.starts, ours.diagnostics.map(formatDiagnostic).join('\n'))
      } finally {
        await dir.cleanup()
      }
    })
  }
})

describe('upssched.conf: what real upssched refuses, nutshell refuses', () => {
  const variants: { name: string; text: (dir: string) => string; refused: boolean }[] = [
    {
      name: 'everything before AT',
      text: (d) =>
        `CMDSCRIPT ${d}/cmd.sh\nPIPEFN ${d}/p\nLOCKFN ${d}/l\nAT onbatt * EXECUTE hello\n`,
      refused: false,
    },
    {
      name: 'PIPEFN after the first AT',
      text: (d) =>
        `CMDSCRIPT ${d}/cmd.sh\nAT ONBATT * EXECUTE hello\nPIPEFN ${d}/p\nLOCKFN ${d}/l\n`,
      refused: true,
    },
    {
      name: 'CMDSCRIPT after the first AT',
      text: (d) =>
        `PIPEFN ${d}/p\nLOCKFN ${d}/l\nAT ONBATT * EXECUTE hello\nCMDSCRIPT ${d}/cmd.sh\n`,
      refused: true,
    },
    {
      name: 'no AT at all (Debian sample)',
      text: (d) => `CMDSCRIPT ${d}/cmd.sh\n`,
      refused: false,
    },
  ]
  for (const v of variants) {
    it(v.name, async () => {
      const dir = await createNutDir({})
      try {
        await writeFile(join(dir.etc, 'cmd.sh'), `#!/bin/sh\necho "$1" >> ${dir.etc}/marker\n`, {
          mode: 0o755,
        })
        const text = v.text(dir.etc)
        await writeFile(join(dir.etc, 'upssched.conf'), text)
        const real = await run(nutBinaries.upssched, ['message'], {
          env: { ...dir.env, UPSNAME: 'u@h', NOTIFYTYPE: 'ONBATT' },
          timeoutMs: 5000,
        })
        assert.equal(real.code === 1, v.refused, `real upssched: ${real.code} ${real.stderr}`)
        const ours = parseUpsschedConf(text, 'upssched.conf')
        assert.equal(
          ours.diagnostics.some((d) => d.code === 'order'),
          v.refused,
        )
        assert.equal(errorsOf(ours.diagnostics).length > 0, v.refused)
        if (!v.refused && ours.conf.at.length > 0) {
          // The AT line we read is the one real upssched ran.
          assert.deepEqual(ours.conf.at[0]?.command, { kind: 'execute', command: 'hello' })
          assert.equal(readFileSync(join(dir.etc, 'marker'), 'utf8'), 'hello\n')
        }
      } finally {
        await dir.cleanup()
      }
    })
  }
})
