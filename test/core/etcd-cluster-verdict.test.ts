import {test} from 'node:test'
import assert from 'node:assert/strict'
import type {EndpointReport} from '../../src/core/endpoint-report.js'
import {judgeCluster} from '../../src/core/etcd-cluster-verdict.js'

const member = (endpoint: string, memberId: string, leaderId?: string): EndpointReport => ({endpoint, ok: true, evidence: [], memberId, leaderId, isLeader: leaderId === memberId})
const down = (endpoint: string, cause: string): EndpointReport => ({endpoint, ok: false, failedStage: 'tcp', cause, evidence: []})

test('every member answers and knows the leader: healthy', () => {
  const verdict = judgeCluster([member('a', '1', '1'), member('b', '2', '1'), member('c', '3', '1')])
  assert.deepEqual(verdict, {state: 'healthy', answering: 3, total: 3, leaderId: '1', headline: 'healthy: 3 of 3 members answer, leader 1'})
})

test('members answer but none knows a leader: no-leader, with how many answer', () => {
  const verdict = judgeCluster([member('a', '1'), down('b', 'connection refused'), down('c', 'connection refused')])
  assert.equal(verdict.state, 'no-leader')
  assert.equal(verdict.answering, 1)
  assert.equal(verdict.total, 3)
  assert.equal(verdict.leaderId, undefined)
  assert.equal(verdict.headline, 'the etcd cluster has no leader (quorum lost?): 1 of 3 members answer')
})

test('some answer with a leader: partial, each failed endpoint with its own cause', () => {
  const verdict = judgeCluster([member('a', '1', '2'), member('b', '2', '2'), down('c', 'no answer within 2 s')])
  assert.equal(verdict.state, 'partial')
  assert.equal(verdict.headline, '2 of 3 members answer (leader 2); c: no answer within 2 s')
})

test('nothing answers: unreachable, naming each cause', () => {
  assert.deepEqual(judgeCluster([down('a', 'connection refused'), down('b', 'no answer within 2 s')]), {
    state: 'unreachable', answering: 0, total: 2, headline: 'no endpoint answers: a: connection refused; b: no answer within 2 s',
  })
  assert.equal(judgeCluster([down('a', 'connection refused')]).headline, 'a: connection refused')
})
