/**
 * nutshell's NUT network client. See docs/tools.md for the API and examples.
 */
export {
  type AddressResult,
  defaultNutHost,
  defaultNutPort,
  formatUpsAddress,
  parseServerAddress,
  parseUpsAddress,
  type ServerAddress,
  type UpsAddress,
} from './address.ts'
export type { PushFilter } from './connection.ts'
export {
  type ClientErrorCode,
  isNutClientError,
  isNutServerError,
  libupsclientMessage,
  NutClientError,
  NutServerError,
  serverErrorText,
} from './errors.ts'
export {
  type Accepted,
  type NamedValue,
  NutClient,
  type NutClientOptions,
  type Range,
  type TrackingStatus,
  type UpsEntry,
  type VariableType,
} from './nut-client.ts'
export type { ReplyLine } from './reply.ts'
export type { NutTlsOptions, TlsMode } from './tls.ts'
