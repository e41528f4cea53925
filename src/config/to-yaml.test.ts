import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { quote } from '../protocol/encode.ts'
import { configFromNutFiles } from './nut-dir.ts'
import { configToYaml, formatDuration } from './to-yaml.ts'
import type { BrokerConfig } from './types.ts'
import { parseYamlConfig } from './yaml-load.ts'

/** What must survive a conversion: everything but where the config came from. */
function essence(config: BrokerConfig): unknown {
  const { configDir: _dir, source: _source, ...rest } = config
  return JSON.parse(JSON.stringify(rest))
}

function roundTrip(config: BrokerConfig): BrokerConfig {
  const yaml = configToYaml(config)
  const back = parseYamlConfig(yaml, '/elsewhere/nutshell.yaml', {})
  assert.deepEqual(
    back.diagnostics.filter((d) => d.code !== 'no-password'),
    [],
    yaml,
  )
  assert.ok(back.ok)
  return back.value
}

const nutDir = {
  'ups.conf':
    'maxretry = 3\nretrydelay = 7\n[dummy]\n driver = dummy-ups\n port = dummy.dev\n desc = "Test \\"q\\" \\# x"\n nolock\n[usb]\n driver = usbhid-ups\n port = auto\n vendorid = 051d\n cable = 1234\n',
  'upsd.conf':
    'LISTEN 127.0.0.1 3493\nLISTEN ::1 4000\nMAXAGE 20\nCERTFILE cert.pem\nNUTSHELL_IDLE_TIMEOUT 30\nNUTSHELL_HANDSHAKE_TIMEOUT 2\n',
  'upsd.users':
    '[admin]\n password = 0123\n actions = SET FSD\n instcmds = ALL\n[monp]\n password = "p w"\n upsmon primary\n actions = set\n[mons]\n password = true\n upsmon secondary\n[nopass]\n actions = login\n',
  'upsmon.conf':
    'MONITOR dummy@localhost 1 monp "p w" primary\nMONITOR x@[::1]:4000 0 mons true secondary\nSHUTDOWNCMD "/sbin/shutdown -h +0"\nNOTIFYCMD /bin/notify\nNOTIFYFLAG ONBATT SYSLOG+EXEC\nNOTIFYMSG ONLINE "back %s"\nPOLLFREQ 2\nOFFDURATION -1\nOVERDURATION 45\nSHUTDOWNEXIT 30\nALARMCRITICAL 0\nRUN_AS_USER nobody\nPOWERDOWNFLAG /etc/killpower\nCERTPATH /etc/nut/cert\nCERTIDENT "my mon" "pw \\#1"\nCERTHOST localhost "srv" 1 0\nCERTVERIFY 1\nFORCESSL 0\nDEBUG_MIN 2\nPOLLFAIL_LOG_THROTTLE_MAX 5\n',
}

describe('config convert (configToYaml)', () => {
  it('writes durations the loader reads back', () => {
    assert.equal(formatDuration(15_000), '15s')
    assert.equal(formatDuration(1500), '1500ms')
    assert.equal(formatDuration(-1), 'never')
  })

  it('a NUT directory converts to YAML that loads into the same configuration', () => {
    const from = configFromNutFiles(nutDir, '/etc/nutx', {})
    assert.ok(from.ok)
    assert.deepEqual(
      from.diagnostics.map((d) => d.code),
      ['no-password'],
    )
    assert.deepEqual(from.value.monitor?.tls?.certIdent, { name: 'my mon', password: 'pw #1' })
    const back = roundTrip(from.value)
    const expected = essence(from.value) as { devices: { port: string }[] }
    // The dummy-ups data file is written as an absolute path, so the YAML may live anywhere.
    ;(expected.devices[0] as { port: string }).port = '/etc/nutx/dummy.dev'
    assert.deepEqual(essence(back), expected)
  })

  it('generated NUT directories convert without loss', () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/)
    const text = fc.string({
      unit: fc.constantFrom(...'ab Z9"#\\=[]@:-0'.split('')),
      minLength: 1,
      maxLength: 12,
    })
    fc.assert(
      fc.property(
        fc.uniqueArray(word, { minLength: 1, maxLength: 3 }),
        fc.uniqueArray(
          fc.record({
            name: word,
            password: text,
            role: fc.constantFrom('primary', 'secondary', 'none'),
          }),
          {
            selector: (u) => u.name,
            maxLength: 3,
          },
        ),
        fc.record({
          maxAge: fc.integer({ min: 1, max: 999 }),
          pollFreq: fc.integer({ min: 1, max: 99 }),
          off: fc.integer({ min: -3, max: 99 }),
        }),
        (devices, users, n) => {
          const files = {
            'ups.conf': devices
              .map(
                (d) =>
                  `[${d}]\n driver = nutdrv_qx\n port = ${quote(`/dev/${d}`)}\n desc = ${quote(d)}\n`,
              )
              .join(''),
            'upsd.conf': `MAXAGE ${n.maxAge}\n`,
            'upsd.users': users
              .map(
                (u) =>
                  `[${u.name}]\n password = ${quote(u.password)}\n${u.role === 'none' ? '' : ` upsmon ${u.role}\n`}`,
              )
              .join(''),
            'upsmon.conf': `MONITOR ${devices[0]}@localhost 1 u p primary\nPOLLFREQ ${n.pollFreq}\nOFFDURATION ${n.off}\n`,
          }
          const from = configFromNutFiles(files, '/d', {})
          assert.ok(from.ok, JSON.stringify(from.diagnostics))
          assert.deepEqual(essence(roundTrip(from.value)), essence(from.value))
        },
      ),
      { numRuns: 150 },
    )
  })

  it('a YAML file converts to itself', () => {
    const first = parseYamlConfig(
      'server: {listen: ["[::1]:1234"], statePath: /s}\ndevices:\n  - {name: a, driver: dummy-ups, port: "u@h:1"}\nrules: {files: [/r.rules], notifyWebhooks: ["http://127.0.0.1:9/hook"]}\nmonitor: {defaultPolicy: false, shutdownCommand: [/bin/a, b]}\n',
      '/c/n.yaml',
      {},
    )
    assert.ok(first.ok)
    assert.deepEqual(essence(roundTrip(first.value)), essence(first.value))
  })
})
