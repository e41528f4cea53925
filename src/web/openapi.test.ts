import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { login, startWebFixture, type WebFixture } from '../../test/helpers/web-fixture.ts'
import { ManualClock } from '../core/manual-clock.ts'

interface Op {
  parameters: Array<{ name: string; in: string }>
  requestBody?: unknown
  'x-role': string
}

/** Valid values for the path parameters the fixture has. */
const sample: Record<string, string> = {
  device: 'ups1',
  command: 'beeper.disable',
  variable: 'ups.id',
  outlet: '1',
  id: 'ABC',
  param: 'ups.id',
  cmd: 'beeper.disable',
}
const bodies: Record<string, unknown> = {
  '/api/login': { name: 'ada', password: 'admin-pw' },
  '/api/devices/{device}/variables/{variable}': { value: 'r' },
  '/api/devices/{device}/outlets/{outlet}': { state: 'on' },
}

describe('the API against its OpenAPI document', () => {
  let f: WebFixture
  let admin: { cookie: string; csrf: string }
  let doc: { paths: Record<string, Record<string, Op>> }
  before(async () => {
    f = await startWebFixture()
    admin = await login(f.web, 'ada', 'admin-pw')
    doc = (await f.web.app.inject({ url: '/api/openapi.json' })).json()
  })
  after(() => f.stop())

  it('documents every route, and every documented route answers without a server error', async () => {
    const paths = Object.keys(doc.paths)
    for (const wanted of [
      '/api/devices',
      '/api/devices/{device}/variables',
      '/api/monitor',
      '/api/rules',
      '/api/events',
      '/api/v1/devices/{device}',
    ])
      assert.ok(paths.includes(wanted), wanted)
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if (path === '/api/events' || path === '/api/logout') continue
        const url = path.replace(/\{(\w+)\}/g, (_, n: string) => sample[n] ?? 'x')
        const res = await f.web.app.inject({
          method: method.toUpperCase() as 'GET',
          url,
          headers: {
            cookie: admin.cookie,
            'x-csrf-token': admin.csrf,
            'content-type': path.startsWith('/api/v1/') ? 'text/plain' : 'application/json',
          },
          ...(op.requestBody === undefined
            ? {}
            : {
                payload: path.startsWith('/api/v1/') ? 'rack' : JSON.stringify(bodies[path] ?? {}),
              }),
        })
        assert.ok(res.statusCode < 500, `${method} ${url}: ${res.statusCode} ${res.body}`)
        if (method === 'get') assert.equal(res.statusCode, 200, `${method} ${url}: ${res.body}`)
      }
    }
  })

  it('bad input is a 400 with a message, never a 500 (fast-check on query and path parameters)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), async (a, b) => {
        for (const url of [
          // An unknown query key always: a valid stream request would never end.
          `/api/events?device=${encodeURIComponent(a)}&x${encodeURIComponent(b)}=1`,
          `/api/v1/devices?meta=${encodeURIComponent(a)}`,
          `/api/devices/${encodeURIComponent(a || 'x')}/outlets/${encodeURIComponent(b || 'y')}`,
          `/api/tracking/${encodeURIComponent(a || 'x')}`,
        ]) {
          const method = url.includes('/outlets/') ? 'POST' : 'GET'
          const res = await f.web.app.inject({
            method,
            url,
            headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
            ...(method === 'POST' ? { payload: { state: b } } : {}),
          })
          assert.ok(res.statusCode < 500, `${url}: ${res.statusCode}`)
          if (res.statusCode === 400)
            assert.ok(((res.json() as { message?: string }).message ?? '').length > 0)
        }
      }),
      { numRuns: 60 },
    )
  })

  it('a malformed JSON body is a 400 with a message', async () => {
    const res = await f.web.app.inject({
      method: 'PUT',
      url: '/api/devices/ups1/variables/ups.id',
      headers: {
        cookie: admin.cookie,
        'x-csrf-token': admin.csrf,
        'content-type': 'application/json',
      },
      payload: '{"value":',
    })
    assert.equal(res.statusCode, 400)
    assert.ok((res.json() as { message: string }).message.length > 0)
  })
})

describe('PeaNUT-compatible routes', () => {
  let f: WebFixture
  before(async () => {
    f = await startWebFixture()
  })
  after(() => f.stop())
  const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`

  it('answers a Homepage widget: flat object, numbers as numbers, Basic auth', async () => {
    const no = await f.web.app.inject({ url: '/api/v1/devices/ups1' })
    assert.equal(no.statusCode, 401)
    assert.equal(no.json(), 'Unauthorized')
    assert.equal(no.headers['www-authenticate'], undefined)
    const res = await f.web.app.inject({
      url: '/api/v1/devices/127.0.0.1~3493~ups1',
      headers: { authorization: basic('vera', 'viewer-pw') },
    })
    const body = res.json() as Record<string, unknown>
    assert.equal(body['battery.charge'], 100)
    assert.equal(body['ups.status'], 'OL')
    assert.equal(body['ups.mfr'], 'Test')
    const ping = await f.web.app.inject({ url: '/api/ping' })
    assert.equal(ping.json(), 'pong')
    const missing = await f.web.app.inject({
      url: '/api/v1/devices/nope',
      headers: { authorization: basic('vera', 'viewer-pw') },
    })
    assert.deepEqual(missing.json(), { error: 'Device not found' })
    const type = await f.web.app.inject({
      url: '/api/v1/devices/ups1/var/ups.id/type',
      headers: { authorization: basic('vera', 'viewer-pw') },
    })
    assert.equal(type.json(), 'RW STRING:8')
  })
})

describe('login throttle', () => {
  it('holds back failures from one address after the free ones, as the NUT server does', async () => {
    const clock = new ManualClock()
    const f = await startWebFixture({ clock })
    try {
      const fail = () =>
        f.web.app.inject({
          method: 'POST',
          url: '/api/login',
          payload: { name: 'ada', password: 'wrong' },
        })
      for (let i = 0; i < 3; i++) assert.equal((await fail()).statusCode, 401)
      const before = clock.pendingCount()
      let settled = false
      const fourth = fail().then((r) => {
        settled = true
        return r
      })
      while (clock.pendingCount() === before) await new Promise((r) => setTimeout(r, 5))
      assert.equal(settled, false, 'the fourth failure waits')
      clock.advance(200)
      assert.equal((await fourth).statusCode, 401)
    } finally {
      await f.stop()
    }
  })
})
