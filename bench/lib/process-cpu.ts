// CPU time of a process and its reaped children (utime+stime+cutime+cstime, /proc/<pid>/stat),
// in seconds: the agent's own work and its ip/bridge runs.
import {readFileSync} from 'node:fs'

const TICKS_PER_SECOND = 100 // USER_HZ on Linux

export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // the command name may hold spaces: the fields start after the last ')'
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]))
  return (utime! + stime! + cutime! + cstime!) / TICKS_PER_SECOND
}
