/**
 * What upsmon.conf holds (reference: nut-protocol.md 3.1), in seconds, with NUT's
 * defaults. The reader is upsmon-conf.ts; config/ turns this into MonitorConfig.
 */
import type { ConfigDiagnostic, Position } from './diagnostic.ts'

export type UpsmonNotifyFlag = 'SYSLOG' | 'WALL' | 'EXEC' | 'IGNORE'

export interface UpsmonMonitor {
  /** The system string as written: `ups@host[:port]`. */
  system: string
  ups: string
  host: string
  port: number
  powerValue: number
  user: string
  password: string
  role: 'primary' | 'secondary'
  position: Position
}

export interface UpsmonCertHost {
  host: string
  certName: string
  verify: boolean
  force: boolean
}

export interface UpsmonConf {
  monitors: UpsmonMonitor[]
  minSupplies: number
  shutdownCmd?: string
  notifyCmd?: string
  /** Per notify type (upper case), as set by NOTIFYFLAG lines. */
  notifyFlags: Record<string, UpsmonNotifyFlag[]>
  /** Per notify type (upper case), as set by NOTIFYMSG lines. */
  notifyMessages: Record<string, string>
  pollFreq: number
  pollFreqAlert: number
  deadTime: number
  hostSync: number
  finalDelay: number
  powerDownFlag?: string
  rbWarnTime: number
  noCommWarnTime: number
  offDuration: number
  overDuration: number
  obLbDuration: number
  alarmCritical: boolean
  /** true: exit after SHUTDOWNCMD; false: keep running; number: seconds (<0 forever). */
  shutdownExit: boolean | number
  runAsUser?: string
  certPath?: string
  certIdent?: { name: string; password: string }
  certHosts: UpsmonCertHost[]
  certVerify?: boolean
  forceSsl?: boolean
  debugMin?: number
  pollFailLogThrottleMax: number
}

export interface UpsmonConfResult {
  conf: UpsmonConf
  diagnostics: ConfigDiagnostic[]
}

/** NUT's defaults (2.8.0, plus master's for the master-only settings). */
export function defaultUpsmonConf(): UpsmonConf {
  return {
    monitors: [],
    minSupplies: 1,
    notifyFlags: {},
    notifyMessages: {},
    pollFreq: 5,
    pollFreqAlert: 5,
    deadTime: 15,
    hostSync: 15,
    finalDelay: 5,
    rbWarnTime: 43200,
    noCommWarnTime: 300,
    offDuration: 30,
    overDuration: -1,
    obLbDuration: 0,
    alarmCritical: true,
    shutdownExit: true,
    certHosts: [],
    pollFailLogThrottleMax: -1,
  }
}
