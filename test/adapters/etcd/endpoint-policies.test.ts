// Which endpoint a call may go to (etcd-connection.ts endpointPolicies): one that failed is passed
// over while another has not failed, every one is tried when all failed, an endpoint given twice
// is one endpoint, and a deadline spent before the call reached an endpoint does not count against it.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {EndpointPassedOver, endpointPolicies} from '../../../src/adapters/etcd/etcd-connection.js'
import {etcd3} from '../../../src/adapters/etcd/etcd3.js'

type Execute = {execute<T>(fn: () => Promise<T>): Promise<T>}

const policiesOf = (endpoints: string[]) => {
  const of = endpointPolicies(endpoints)
  return Object.fromEntries(endpoints.map((e) => [e, of(e) as unknown as Execute])) as Record<string, Execute>
}
const ok = async () => 'answer'
const unreachable = async () => {
  await new Promise((resolve) => setTimeout(resolve, 80)) // a real failure takes a while
  throw new etcd3.GRPCUnavailableError('connect ETIMEDOUT')
}

test('an endpoint that failed is passed over while another has not; once all failed, all are tried', async () => {
  const p = policiesOf(['http://a:2379', 'http://b:2379'])
  await assert.rejects(p['http://a:2379']!.execute(unreachable), etcd3.GRPCUnavailableError)
  await assert.rejects(p['http://a:2379']!.execute(ok), EndpointPassedOver)
  assert.equal(await p['http://b:2379']!.execute(ok), 'answer')
  await assert.rejects(p['http://b:2379']!.execute(unreachable), etcd3.GRPCUnavailableError)
  assert.equal(await p['http://a:2379']!.execute(ok), 'answer', 'both failed lately: a is tried again, and answers')
  assert.equal(await p['http://a:2379']!.execute(ok), 'answer', 'and is no longer passed over')
})

test('the same endpoint given twice is one endpoint: never passed over for itself', async () => {
  const of = endpointPolicies(['http://a:2379', 'http://a:2379'])
  const first = of('http://a:2379') as unknown as Execute
  const second = of('http://a:2379') as unknown as Execute
  await assert.rejects(first.execute(unreachable), etcd3.GRPCUnavailableError)
  assert.equal(await second.execute(ok), 'answer')
})

test('a deadline already spent when the call reached the endpoint does not mark it failed', async () => {
  const p = policiesOf(['http://a:2379', 'http://b:2379'])
  await assert.rejects(
    p['http://b:2379']!.execute(async () => {
      throw new etcd3.GRPCDeadlineExceededError('Deadline exceeded')
    }),
    etcd3.GRPCDeadlineExceededError,
  )
  assert.equal(await p['http://b:2379']!.execute(ok), 'answer', 'b is still used')
  // a deadline that ran out on the endpoint itself counts
  await assert.rejects(
    p['http://a:2379']!.execute(async () => {
      await new Promise((resolve) => setTimeout(resolve, 80))
      throw new etcd3.GRPCDeadlineExceededError('Deadline exceeded')
    }),
  )
  await assert.rejects(p['http://a:2379']!.execute(ok), EndpointPassedOver)
})
