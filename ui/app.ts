/**
 * The dashboard: an overview of every device and a page per device, kept live by the
 * server's event stream (/api/events). Preact without JSX, so the build is one esbuild
 * call and no compiler plugin. Everything comes from this server: no external request.
 */
import { h, render } from 'preact'
import { useCallback, useEffect, useState } from 'preact/hooks'

interface Summary {
  name: string
  description?: string
  comm: string
  fsd: boolean
  status: string
  charge: number | null
  runtime: number | null
  load: number | null
  inputVoltage: number | null
  lastEvent?: { time: string; text: string }
}
interface Variable {
  name: string
  value: string
  description?: string
  writable: boolean
  type: string
  maxLength: number
  enums: string[]
  ranges: Array<{ min: number; max: number }>
}
interface DeviceDetail {
  summary: Summary
  variables: Variable[]
  commands: Array<{ name: string; description?: string }>
}
interface Session {
  user: string | null
  role: string | null
  csrf: string | null
}

async function api<T>(path: string, init: RequestInit = {}, csrf?: string | null): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (init.body !== undefined) headers['content-type'] = 'application/json'
  if (csrf) headers['x-csrf-token'] = csrf
  const res = await fetch(path, { ...init, headers, credentials: 'same-origin' })
  const body = await res.json().catch(() => ({}))
  if (!res.ok) throw new Error((body as { message?: string }).message ?? `HTTP ${res.status}`)
  return body as T
}

function badgeClass(s: Summary): string {
  if (s.comm !== 'ok') return 'badge bad'
  const words = s.status.split(/\s+/)
  if (words.includes('LB') || words.includes('FSD')) return 'badge bad'
  if (words.includes('OB')) return 'badge warn'
  return words.includes('OL') ? 'badge ok' : 'badge'
}

function statusText(s: Summary): string {
  return s.comm !== 'ok' ? `${s.status || '—'} (${s.comm})` : s.status || '—'
}

const fmt = (v: number | null, unit: string) => (v === null ? '—' : `${v}${unit}`)
const fmtRuntime = (v: number | null) =>
  v === null ? '—' : `${Math.floor(v / 60)} min ${v % 60} s`

function Badge({ s }: { s: Summary }) {
  return h(
    'span',
    { class: badgeClass(s), 'data-testid': `status-${s.name}`, role: 'status' },
    statusText(s),
  )
}

function Overview({ devices }: { devices: Summary[] }) {
  if (devices.length === 0) return h('p', null, 'No devices.')
  return h(
    'div',
    { class: 'grid' },
    devices.map((d) =>
      h('section', { class: 'card', key: d.name, 'aria-label': d.name }, [
        h('h2', null, h('a', { href: `#/device/${encodeURIComponent(d.name)}` }, d.name)),
        h(Badge, { s: d }),
        h('dl', null, [
          h('dt', null, 'Charge'),
          h('dd', null, fmt(d.charge, ' %')),
          h('dt', null, 'Runtime'),
          h('dd', null, fmtRuntime(d.runtime)),
          h('dt', null, 'Load'),
          h('dd', null, fmt(d.load, ' %')),
          h('dt', null, 'Input'),
          h('dd', null, fmt(d.inputVoltage, ' V')),
          h('dt', null, 'Last event'),
          h(
            'dd',
            null,
            d.lastEvent === undefined
              ? '—'
              : `${d.lastEvent.text} (${new Date(d.lastEvent.time).toLocaleTimeString()})`,
          ),
        ]),
      ]),
    ),
  )
}

function DevicePage({ name, session, tick }: { name: string; session: Session; tick: number }) {
  const [detail, setDetail] = useState<DeviceDetail | undefined>()
  const [message, setMessage] = useState('')
  useEffect(() => {
    api<DeviceDetail>(`/api/devices/${encodeURIComponent(name)}`).then(setDetail, (e: Error) =>
      setMessage(e.message),
    )
  }, [name, tick])
  if (detail === undefined) return h('p', null, message || 'Loading…')
  const canCommand = session.role === 'operator' || session.role === 'admin'
  const canSet = session.role === 'admin'
  const run = async (command: string) => {
    if (!confirm(`Run ${command} on ${name}?`)) return
    try {
      const r = await api<{ result: string }>(
        `/api/devices/${encodeURIComponent(name)}/commands/${encodeURIComponent(command)}`,
        { method: 'POST', body: '{}' },
        session.csrf,
      )
      setMessage(`${command}: ${r.result}`)
    } catch (e) {
      setMessage(`${command}: ${(e as Error).message}`)
    }
  }
  const set = async (v: Variable) => {
    const value = prompt(`New value for ${v.name}`, v.value)
    if (value === null || !confirm(`Set ${v.name} to "${value}"?`)) return
    try {
      const r = await api<{ result: string }>(
        `/api/devices/${encodeURIComponent(name)}/variables/${encodeURIComponent(v.name)}`,
        { method: 'PUT', body: JSON.stringify({ value }) },
        session.csrf,
      )
      setMessage(`${v.name}: ${r.result}`)
    } catch (e) {
      setMessage(`${v.name}: ${(e as Error).message}`)
    }
  }
  return h('div', null, [
    h('p', null, h('a', { href: '#/' }, '← All devices')),
    h('section', { class: 'card' }, [
      h('h2', null, detail.summary.name),
      h(Badge, { s: detail.summary }),
      detail.summary.description ? h('p', null, detail.summary.description) : null,
    ]),
    message ? h('p', { class: 'message', role: 'alert', 'data-testid': 'message' }, message) : null,
    h('h3', null, 'Commands'),
    h(
      'div',
      { class: 'grid' },
      detail.commands.map((c) =>
        h('div', { class: 'card', key: c.name }, [
          h('strong', null, c.name),
          c.description ? h('p', null, c.description) : null,
          h(
            'button',
            { onClick: () => run(c.name), disabled: !canCommand, 'data-command': c.name },
            'Run…',
          ),
        ]),
      ),
    ),
    h('h3', null, 'Variables'),
    h('table', null, [
      h(
        'thead',
        null,
        h('tr', null, [
          h('th', null, 'Name'),
          h('th', null, 'Value'),
          h('th', null, 'Type'),
          h('th', null, ''),
        ]),
      ),
      h(
        'tbody',
        null,
        detail.variables.map((v) =>
          h('tr', { key: v.name }, [
            h('td', null, [v.name, v.description ? h('small', null, v.description) : null]),
            h('td', { 'data-var': v.name }, v.value),
            h(
              'td',
              null,
              `${v.writable ? 'RW ' : ''}${v.type}${v.enums.length ? ` (${v.enums.join(', ')})` : ''}${v.ranges.length ? ` [${v.ranges.map((r) => `${r.min}–${r.max}`).join(', ')}]` : ''}`,
            ),
            h(
              'td',
              null,
              v.writable && canSet ? h('button', { onClick: () => set(v) }, 'Set…') : null,
            ),
          ]),
        ),
      ),
    ]),
  ])
}

function Login({ onDone }: { onDone: (s: Session) => void }) {
  const [error, setError] = useState('')
  const submit = async (e: Event) => {
    e.preventDefault()
    const form = new FormData(e.target as HTMLFormElement)
    try {
      onDone(
        await api<Session>('/api/login', {
          method: 'POST',
          body: JSON.stringify({ name: form.get('name'), password: form.get('password') }),
        }),
      )
    } catch (err) {
      setError((err as Error).message)
    }
  }
  return h('form', { class: 'login card', onSubmit: submit }, [
    h('h2', null, 'Log in'),
    h('label', null, [
      'Name ',
      h('input', { name: 'name', autocomplete: 'username', required: true }),
    ]),
    h('label', null, [
      'Password ',
      h('input', { name: 'password', type: 'password', autocomplete: 'current-password' }),
    ]),
    error ? h('p', { role: 'alert' }, error) : null,
    h('button', { class: 'primary', type: 'submit' }, 'Log in'),
  ])
}

function useHash(): string {
  const [hash, setHash] = useState(location.hash)
  useEffect(() => {
    const on = () => setHash(location.hash)
    addEventListener('hashchange', on)
    return () => removeEventListener('hashchange', on)
  }, [])
  return hash
}

function App() {
  const [session, setSession] = useState<Session | undefined>()
  const [devices, setDevices] = useState<Summary[]>([])
  const [live, setLive] = useState(false)
  const [tick, setTick] = useState(0)
  const [theme, setTheme] = useState(
    localStorage.getItem('theme') ??
      (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'),
  )
  const hash = useHash()
  useEffect(() => {
    document.documentElement.dataset['theme'] = theme
    localStorage.setItem('theme', theme)
  }, [theme])
  useEffect(() => {
    api<Session>('/api/session').then(setSession, () =>
      setSession({ user: null, role: null, csrf: null }),
    )
  }, [])
  const refresh = useCallback(() => {
    api<Summary[]>('/api/devices').then(setDevices, () => {})
    setTick((t) => t + 1)
  }, [])
  useEffect(() => {
    if (session?.user == null) return
    refresh()
    const source = new EventSource('/api/events')
    let pending = false
    // Many changes arrive together (a driver's burst): refresh once per animation frame.
    const changed = () => {
      if (pending) return
      pending = true
      requestAnimationFrame(() => {
        pending = false
        refresh()
      })
    }
    source.onopen = () => {
      setLive(true)
      refresh()
    }
    source.onerror = () => setLive(false)
    source.addEventListener('store', changed)
    source.addEventListener('monitor', changed)
    return () => source.close()
  }, [session?.user, refresh])
  if (session === undefined) return h('p', null, 'Loading…')
  const logout = async () => {
    await api('/api/logout', { method: 'POST' }, session.csrf).catch(() => {})
    setSession({ user: null, role: null, csrf: null })
  }
  const route = /^#\/device\/(.+)$/.exec(hash)
  return h('div', null, [
    h('header', null, [
      h('h1', null, h('a', { href: '#/' }, 'nutshell')),
      session.user
        ? h(
            'span',
            { class: live ? 'live on' : 'live', 'data-testid': 'live', 'aria-live': 'polite' },
            [h('span', { class: 'dot' }), live ? 'live' : 'offline'],
          )
        : null,
      h(
        'button',
        {
          onClick: () => setTheme(theme === 'dark' ? 'light' : 'dark'),
          'aria-label': 'Switch theme',
          'data-testid': 'theme',
        },
        theme === 'dark' ? 'Light theme' : 'Dark theme',
      ),
      session.user ? h('span', null, `${session.user} (${session.role})`) : null,
      session.user ? h('button', { onClick: logout }, 'Log out') : null,
    ]),
    h(
      'main',
      null,
      session.user == null
        ? h(Login, { onDone: setSession })
        : route
          ? h(DevicePage, { name: decodeURIComponent(route[1] as string), session, tick })
          : h(Overview, { devices }),
    ),
  ])
}

const root = document.getElementById('app')
if (root !== null) render(h(App, null), root)
