/**
 * The MQTT topic scheme, in one place (docs/integrations.md documents it; it is stable:
 * Home Assistant entities and people's automations are keyed on it). Pure: no I/O.
 *
 *   <prefix>/<site>/status                    bridge availability (online/offline, will)
 *   <prefix>/<site>/<device>/availability     online while the driver is reachable
 *   <prefix>/<site>/<device>/state            JSON of every variable (retained)
 *   <prefix>/<site>/<device>/var/<variable>   one variable's raw value (retained)
 *   <prefix>/<site>/<device>/cmd/<command>    → an instant command (payload: parameter)
 *   <prefix>/<site>/<device>/set/<variable>   → SET VAR (payload: the value)
 *   <prefix>/<site>/<device>/outlet/<n>/set   → ON/OFF: outlet.<n>.load.on / .off
 *   <prefix>/<site>/<device>/result           what each command above ended with
 */

export interface TopicScheme {
  /** `<prefix>/<site>`. */
  readonly base: string
  readonly bridgeStatus: string
  availability(device: string): string
  state(device: string): string
  variable(device: string, name: string): string
  command(device: string, name: string): string
  set(device: string, name: string): string
  outletSet(device: string, outlet: string): string
  result(device: string): string
  /** The filters the bridge subscribes to for requests. */
  requestFilters(): string[]
}

/** A name as one topic level: the MQTT wildcards and the separator become `_`. */
export function topicLevel(name: string): string {
  return name.replace(/[/+#\u0000]/g, '_')
}

export function topicScheme(prefix: string, site: string): TopicScheme {
  const base = `${prefix}/${topicLevel(site)}`
  const dev = (device: string) => `${base}/${topicLevel(device)}`
  return {
    base,
    bridgeStatus: `${base}/status`,
    availability: (d) => `${dev(d)}/availability`,
    state: (d) => `${dev(d)}/state`,
    variable: (d, n) => `${dev(d)}/var/${topicLevel(n)}`,
    command: (d, n) => `${dev(d)}/cmd/${topicLevel(n)}`,
    set: (d, n) => `${dev(d)}/set/${topicLevel(n)}`,
    outletSet: (d, o) => `${dev(d)}/outlet/${topicLevel(o)}/set`,
    result: (d) => `${dev(d)}/result`,
    requestFilters: () => [`${base}/+/cmd/+`, `${base}/+/set/+`, `${base}/+/outlet/+/set`],
  }
}

/** A request read from a topic the bridge subscribed to. */
export type TopicRequest =
  | { kind: 'instcmd'; device: string; name: string }
  | { kind: 'set'; device: string; name: string }
  | { kind: 'outlet'; device: string; outlet: string }

/**
 * Which request a topic is, or undefined for any other topic. Device and variable levels
 * are matched back by the caller (topic levels lose `/`, `+`, `#`).
 */
export function parseRequestTopic(scheme: TopicScheme, topic: string): TopicRequest | undefined {
  if (!topic.startsWith(`${scheme.base}/`)) return undefined
  const levels = topic.slice(scheme.base.length + 1).split('/')
  const [device, what, name, tail] = levels
  if (device === undefined || device === '' || name === undefined || name === '') return undefined
  if (levels.length === 3 && what === 'cmd') return { kind: 'instcmd', device, name }
  if (levels.length === 3 && what === 'set') return { kind: 'set', device, name }
  if (levels.length === 4 && what === 'outlet' && tail === 'set')
    return { kind: 'outlet', device, outlet: name }
  return undefined
}

/** `*` matches any run of characters; everything else literally, case-insensitively. */
export function globMatch(pattern: string, value: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*')
  return new RegExp(`^${source}$`, 'i').test(value)
}

/**
 * The allow-list: an entry `name` allows that command (or variable) on every device,
 * `device/name` on that device only. Nothing is allowed by default.
 */
export function commandAllowed(allow: readonly string[], device: string, name: string): boolean {
  return allow.some((entry) => {
    const slash = entry.indexOf('/')
    if (slash < 0) return globMatch(entry, name)
    return globMatch(entry.slice(0, slash), device) && globMatch(entry.slice(slash + 1), name)
  })
}
