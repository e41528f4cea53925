/**
 * Help texts and version lines of `nutshell upsc`, `upsrw` and `upscmd`. They take the
 * same options as NUT's tools and print their help where NUT's tools do (for -h, a bad
 * option or missing operands, with the same exit codes), in nutshell's own words: scripts
 * rely on results and exit codes, not on help prose.
 */
import { nutshellVersion, nutVersion } from '../core/version.ts'

export function versionLine(tool: 'upsc' | 'upsrw' | 'upscmd'): string {
  return `nutshell ${tool} ${nutshellVersion} (speaks to NUT upsd ${nutVersion} and nutshell)\n`
}

export const upscUsage = `${versionLine('upsc')}
usage: upsc -l | -L [HOST[:PORT]]
       upsc UPS [VARIABLE]
       upsc -c UPS

Shows what a NUT server knows about its UPSes.

  -l              print the name of every UPS on HOST (default: localhost)
  -L              the same, with each UPS's description
  UPS [VARIABLE]  print every variable of UPS as "name: value", or only VARIABLE's value
  -c UPS          print the address of every client logged in to UPS
  --json          print JSON instead (nutshell only)

  UPS is NAME[@HOST[:PORT]]; HOST may be an IPv6 address in brackets.
`

export const upsrwUsage = `${versionLine('upsrw')}
usage: upsrw [-h]
       upsrw [-s VARIABLE[=VALUE]] [-u USER] [-p PASSWORD] [-w] [-t SECONDS] UPS

Lists the writable variables of a UPS, or changes one.

  -h             print this help
  -l             list the writable variables with their types and values (also the
                 default when -s is not given)
  -s VAR=VALUE   set VAR to VALUE (with -s VAR alone, the value is asked for)
  -u USER        the user to log in as (asked for when missing)
  -p PASSWORD    that user's password (asked for when missing)
  -w             wait until the driver has applied the change and print its result
  -t SECONDS     how long -w waits (default 10)
  --json         print JSON instead (nutshell only)

  UPS is NAME[@HOST[:PORT]].
`

export const upscmdUsage = `${versionLine('upscmd')}
usage: upscmd [-h]
       upscmd [-l UPS]
       upscmd [-u USER] [-p PASSWORD] [-w] [-t SECONDS] UPS COMMAND [VALUE]

Lists the instant commands of a UPS, or runs one.

  -h             print this help
  -l UPS         list the instant commands of UPS with their descriptions
  -u USER        the user to log in as (asked for when missing)
  -p PASSWORD    that user's password (asked for when missing)
  -w             wait until the driver has run the command and print its result
  -t SECONDS     how long -w waits (default 10)
  --json         print JSON instead (nutshell only)

  UPS is NAME[@HOST[:PORT]]; COMMAND is a name such as test.battery.start; VALUE is
  the command's parameter where it takes one (a delay in seconds, ...).
`
