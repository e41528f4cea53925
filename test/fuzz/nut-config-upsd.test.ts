import { fuzzNutConfigs } from './nut-config-cases.ts'

// The server's NUT files: ups.conf, upsd.conf, upsd.users (properties in nut-config-cases.ts).
fuzzNutConfigs(['ups.conf', 'upsd.conf', 'upsd.users'])
