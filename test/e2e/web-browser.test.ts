/**
 * The dashboard in a real browser: Debian's chromium (/usr/bin/chromium, apt package
 * `chromium`) driven by playwright-core, never a downloaded browser. A broker on a
 * ManualClock plays a power cut from a .seq file, so the cut arrives when the test says.
 * Screenshots of the overview and a device page go to the folder printed below
 * (NUTSHELL_SCREENSHOTS, default <tmp>/nutshell-web-screenshots) for review.
 */
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { type Browser, chromium, type Page } from 'playwright-core'
import { type Broker, startBroker } from '../../src/broker/broker.ts'
import { defaultServerLimits } from '../../src/config/types.ts'
import { defaultWebConfig } from '../../src/config/web-config.ts'
import { ManualClock } from '../../src/core/manual-clock.ts'

const shots = process.env['NUTSHELL_SCREENSHOTS'] ?? join(tmpdir(), 'nutshell-web-screenshots')

const seq = `ups.mfr: Example
ups.model: "Test 1500"
ups.status: OL
battery.charge: 100
battery.runtime: 2400
ups.load: 31
input.voltage: 231.0
battery.charge.low: 20
TIMER 60
ups.status: OB DISCHRG
battery.charge: 93
input.voltage: 0
TIMER 3600
`

describe('the dashboard in chromium', () => {
  let dir: string
  let broker: Broker
  let browser: Browser
  let url: string
  const clock = new ManualClock()

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nutshell-web-'))
    await writeFile(join(dir, 'cut.seq'), seq)
    await mkdir(shots, { recursive: true })
    broker = await startBroker(
      {
        configDir: dir,
        source: { kind: 'yaml', file: join(dir, 'nutshell.yaml') },
        devices: [
          {
            name: 'ups1',
            driver: 'dummy-ups',
            port: 'cut.seq',
            description: 'Rack UPS',
            options: { mode: 'dummy-once' },
            flags: [],
          },
        ],
        server: {
          listen: [{ host: '127.0.0.1', port: 0 }],
          maxAgeMs: 3_600_000,
          trackingDelayMs: 3_600_000,
          statePath: dir,
          limits: defaultServerLimits,
        },
        users: [
          { name: 'otto', password: 'operator-pw', actions: [], instcmds: ['all'] },
          { name: 'vera', password: 'viewer-pw', actions: [], instcmds: [] },
        ],
        web: defaultWebConfig({ listen: { host: '127.0.0.1', port: 0 } }),
      },
      { clock },
    )
    url = broker.web?.url ?? ''
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] })
  })
  after(async () => {
    await browser?.close()
    await broker?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  async function loggedIn(
    name: string,
    password: string,
    viewport = { width: 1200, height: 800 },
  ): Promise<Page> {
    const page = await browser.newPage({ viewport })
    const outside: string[] = []
    page.on('request', (r) => {
      if (!r.url().startsWith(url)) outside.push(r.url())
    })
    await page.goto(url)
    await page.getByLabel('Name').fill(name)
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.getByTestId('live').filter({ hasText: 'live' }).waitFor()
    assert.deepEqual(outside, [], 'no request leaves this server')
    return page
  }

  it('logs in, shows the device, and a power cut arrives live without reload', async () => {
    const page = await loggedIn('vera', 'viewer-pw')
    const badge = page.getByTestId('status-ups1')
    await badge.filter({ hasText: /^OL$/ }).waitFor()
    await page.screenshot({ path: join(shots, 'overview-online.png'), fullPage: true })
    let navigations = 0
    page.on('framenavigated', () => navigations++)
    clock.advance(61_000)
    await badge.filter({ hasText: 'OB DISCHRG' }).waitFor()
    assert.equal(navigations, 0, 'no reload')
    await page.screenshot({ path: join(shots, 'overview-on-battery.png'), fullPage: true })
    await page.close()
  })

  it('an operator runs a command; a viewer is refused', async () => {
    const op = await loggedIn('otto', 'operator-pw')
    await op.getByRole('link', { name: 'ups1' }).click()
    op.on('dialog', (d) => void d.accept())
    await op.locator('[data-command="load.off"]').click()
    // dummy-ups answers load.off as NUT's does (ERR UNKNOWN): the request went through.
    await op.getByTestId('message').filter({ hasText: 'load.off:' }).waitFor()
    await op.screenshot({ path: join(shots, 'device-page.png'), fullPage: true })
    await op.close()

    const viewer = await loggedIn('vera', 'viewer-pw')
    await viewer.getByRole('link', { name: 'ups1' }).click()
    assert.equal(await viewer.locator('[data-command="load.off"]').isDisabled(), true)
    // Run in the page (a string: the test's own TypeScript has no DOM types).
    const status = await viewer.evaluate(`(async () => {
      const csrf = /nutshell_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? ''
      const res = await fetch('/api/devices/ups1/commands/load.off', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': decodeURIComponent(csrf) },
        body: '{}',
      })
      return res.status
    })()`)
    assert.equal(status, 403)
    await viewer.close()
  })

  it('changes theme and fits a phone', async () => {
    const page = await loggedIn('vera', 'viewer-pw', { width: 375, height: 740 })
    const before = await page.evaluate('document.documentElement.dataset.theme')
    await page.getByTestId('theme').focus()
    await page.keyboard.press('Enter')
    await page.waitForFunction(`document.documentElement.dataset.theme !== '${before}'`)
    const afterTheme = await page.evaluate('document.documentElement.dataset.theme')
    assert.notEqual(afterTheme, before)
    const overflow = await page.evaluate('document.documentElement.scrollWidth > window.innerWidth')
    assert.equal(overflow, false, 'no horizontal scrolling at phone width')
    await page.screenshot({ path: join(shots, `phone-${afterTheme}.png`), fullPage: true })
    await page.getByRole('link', { name: 'ups1' }).click()
    await page.getByText('battery.charge').first().waitFor()
    await page.screenshot({ path: join(shots, `phone-device-${afterTheme}.png`), fullPage: true })
    await page.close()
    process.stdout.write(`# screenshots in ${shots}\n`)
  })
})
