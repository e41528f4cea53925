import { fuzzNutConfigs } from './nut-config-cases.ts'

// The monitor's NUT files: upsmon.conf, upssched.conf (properties in nut-config-cases.ts).
fuzzNutConfigs(['upsmon.conf', 'upssched.conf'])
