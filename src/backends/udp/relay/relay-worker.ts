// The udp relay's worker thread (its own entry file, dist/udp-relay-worker.js): opens the TUN
// and the socket, says ready, then moves packets; between bursts it takes the agent's commands
// (a new peer table, stop) from its port, woken by the eventfd. A failure throws: the agent sees
// the worker's error and exit, and restarts it.
import {receiveMessageOnPort, workerData, type MessagePort} from 'node:worker_threads'
import {loadLibc} from './libc.js'
import type {RelayLoopOptions} from './relay-fds.js'
import {openRelayLoop} from './relay-loop.js'
import type {RelayCommand, RelayReport} from './relay-messages.js'

const {commands: port, ...options} = workerData as RelayLoopOptions & {commands: MessagePort}
const report = (message: RelayReport): void => port.postMessage(message)

const loop = openRelayLoop(loadLibc(), options)
report({type: 'ready', wakeFd: loop.wakeFd})
try {
  let stopping = false
  while (!stopping) {
    loop.runUntilWoken()
    for (let got = receiveMessageOnPort(port); got !== undefined; got = receiveMessageOnPort(port)) {
      const command = got.message as RelayCommand
      if (command.type === 'stop') stopping = true
      else {
        loop.setPeers(command.peers)
        report({type: 'peers-set', generation: command.generation})
      }
    }
  }
} finally {
  loop.close()
}
report({type: 'stopped', stats: {...loop.stats}})
port.close()
