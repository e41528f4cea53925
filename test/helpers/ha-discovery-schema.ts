/**
 * Home Assistant's MQTT discovery rules as documented (shared/reference/integrations.md
 * §3): the topic form, the required keys per component, the keys common to all, and the
 * allowed device_class / state_class / entity_category values. Returns what is wrong
 * (empty when the config is valid), so tests print every problem at once.
 */

const idPattern = /^[a-zA-Z0-9_-]+$/

const required: Record<string, string[]> = {
  sensor: ['state_topic'],
  binary_sensor: ['state_topic'],
  button: ['command_topic'],
  switch: ['command_topic'],
  number: ['command_topic'],
  select: ['command_topic', 'options'],
}

const sensorClasses = [
  'apparent_power',
  'battery',
  'current',
  'duration',
  'energy',
  'enum',
  'frequency',
  'humidity',
  'power',
  'power_factor',
  'temperature',
  'timestamp',
  'voltage',
]
const sensorUnits: Record<string, string[]> = {
  voltage: ['V', 'mV', 'kV'],
  current: ['A', 'mA'],
  power: ['W', 'kW'],
  apparent_power: ['VA'],
  battery: ['%'],
  temperature: ['°C', '°F', 'K'],
  frequency: ['Hz', 'kHz', 'MHz', 'GHz'],
  duration: ['s', 'min', 'h', 'd', 'ms'],
  humidity: ['%'],
}
const deviceClasses: Record<string, string[]> = {
  sensor: sensorClasses,
  binary_sensor: [
    'battery',
    'battery_charging',
    'connectivity',
    'plug',
    'power',
    'problem',
    'running',
    'safety',
  ],
  button: ['identify', 'restart', 'update'],
  switch: ['outlet', 'switch'],
  number: sensorClasses,
}

export function discoveryProblems(
  topic: string,
  payload: Record<string, unknown>,
  discoveryPrefix = 'homeassistant',
): string[] {
  const problems: string[] = []
  const levels = topic.split('/')
  if (levels[0] !== discoveryPrefix || levels.at(-1) !== 'config')
    problems.push(`topic ${topic} is not <prefix>/<component>/[<node_id>/]<object_id>/config`)
  if (levels.length !== 4 && levels.length !== 5) problems.push(`topic ${topic}: wrong depth`)
  const component = levels[1] ?? ''
  for (const id of levels.slice(2, -1))
    if (!idPattern.test(id)) problems.push(`topic level ${id} is not [a-zA-Z0-9_-]+`)
  const needed = required[component]
  if (needed === undefined) return [...problems, `unknown component ${component}`]
  for (const key of needed) if (!(key in payload)) problems.push(`${component}: ${key} missing`)
  for (const [key, value] of Object.entries(payload)) {
    if (key.endsWith('_topic') && (typeof value !== 'string' || value === '' || /[+#]/.test(value)))
      problems.push(`${key} is not a topic to publish to: ${String(value)}`)
  }
  if (typeof payload['unique_id'] !== 'string') problems.push('unique_id missing')
  const device = payload['device'] as Record<string, unknown> | undefined
  if (device === undefined) problems.push('device missing')
  else {
    const ids = device['identifiers']
    const cns = device['connections']
    if (!(Array.isArray(ids) && ids.length > 0) && typeof ids !== 'string' && !Array.isArray(cns))
      problems.push('device needs identifiers or connections')
  }
  const origin = payload['origin'] as Record<string, unknown> | undefined
  if (origin !== undefined && typeof origin['name'] !== 'string')
    problems.push('origin.name missing')
  const availability = payload['availability']
  if (availability !== undefined) {
    if (!Array.isArray(availability)) problems.push('availability is not a list')
    else
      for (const item of availability as Array<Record<string, unknown>>)
        if (typeof item['topic'] !== 'string') problems.push('availability item without topic')
  }
  const mode = payload['availability_mode']
  if (mode !== undefined && !['latest', 'any', 'all'].includes(String(mode)))
    problems.push(`availability_mode ${String(mode)}`)
  const deviceClass = payload['device_class']
  if (deviceClass !== undefined && !(deviceClasses[component] ?? []).includes(String(deviceClass)))
    problems.push(`${component}: device_class ${String(deviceClass)} is not allowed`)
  const unit = payload['unit_of_measurement']
  const units = sensorUnits[String(deviceClass)]
  if (component === 'sensor' && units !== undefined && !units.includes(String(unit)))
    problems.push(`sensor ${String(deviceClass)}: unit ${String(unit)} is not allowed`)
  const stateClass = payload['state_class']
  if (
    stateClass !== undefined &&
    !['measurement', 'total', 'total_increasing'].includes(String(stateClass))
  )
    problems.push(`state_class ${String(stateClass)}`)
  const category = payload['entity_category']
  if (category !== undefined && !['config', 'diagnostic'].includes(String(category)))
    problems.push(`entity_category ${String(category)}`)
  if (component === 'select') {
    const options = payload['options']
    if (!Array.isArray(options) || options.length === 0) problems.push('select: options empty')
  }
  if (component === 'number') {
    const { min, max, step } = payload as { min?: unknown; max?: unknown; step?: unknown }
    if (typeof min !== 'number' || typeof max !== 'number' || min > max)
      problems.push('number: min/max')
    if (step !== undefined && (typeof step !== 'number' || step < 0.001))
      problems.push('number: step')
  }
  if (component === 'binary_sensor' && typeof payload['value_template'] === 'string') {
    const template = payload['value_template']
    const on = String(payload['payload_on'] ?? 'ON')
    const off = String(payload['payload_off'] ?? 'OFF')
    if (!template.includes(`'${on}'`) || !template.includes(`'${off}'`))
      problems.push('binary_sensor: value_template does not render payload_on/payload_off')
  }
  return problems
}
