// What a test run may not leave behind: the network namespaces its tests name (fz..., flab-...)
// and the processes they start (etcd, iperf3, `flanctl up`), each new since the run began.
// Shared by scripts/run-tests.js and scripts/run-faults.js.
import {spawnSync} from 'node:child_process'

const TEST_NETNS = /^(fz|flab-)/
const TEST_PROCESS = /(^|\/)(etcd|iperf3)( |$)|bin\/run\.js up /

function netnsNames() {
  const out = spawnSync('ip', ['netns', 'list'], {encoding: 'utf8'}).stdout ?? ''
  return new Set(out.split('\n').map((line) => line.split(' ')[0]).filter((name) => name && TEST_NETNS.test(name)))
}

function testProcesses() {
  const out = spawnSync('ps', ['-eo', 'pid=,args='], {encoding: 'utf8'}).stdout ?? ''
  const found = new Map()
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+) (.*)$/.exec(line)
    if (m && TEST_PROCESS.test(m[2]) && Number(m[1]) !== process.pid) found.set(m[1], m[2])
  }
  return found
}

/** Call before the run; the function it returns reports what the run left behind and says whether it is clean. */
export function watchLeaks() {
  const netnsBefore = netnsNames()
  const processesBefore = testProcesses()
  return function reportLeaks() {
    // a process killed in a test's last hook may take a moment to go: look again for up to 5 s
    let leftNetns = []
    let leftProcesses = []
    for (let look = 0; look < 10; look++) {
      leftNetns = [...netnsNames()].filter((name) => !netnsBefore.has(name))
      leftProcesses = [...testProcesses()].filter(([pid]) => !processesBefore.has(pid))
      if (leftNetns.length === 0 && leftProcesses.length === 0) break
      spawnSync('sleep', ['0.5'])
    }
    if (leftNetns.length > 0) console.error(`run-tests: the tests left network namespaces behind: ${leftNetns.join(' ')}`)
    for (const [pid, args] of leftProcesses) console.error(`run-tests: the tests left a process behind: ${pid} ${args}`)
    return leftNetns.length === 0 && leftProcesses.length === 0
  }
}
