import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { reconcile } from '../../src/billing/reconcile'
import type { FakeStripe } from '../../src/dev/local-stripe'
import { courseBody } from '../catalog/builders'
import { api, countRows, givenCreator, type TestContext } from '../helpers'
import { createPaymentsContext, type PaymentsContext } from '../payments'

let ctx: TestContext
let fake: FakeStripe
let payments: PaymentsContext

beforeEach(async () => {
  payments = await createPaymentsContext()
  ;({ ctx, fake } = payments)
})
afterEach(() => fake.close())

async function paidButNeverDelivered(): Promise<void> {
  const { key } = await givenCreator(ctx)
  const course = (await api(ctx, 'POST', '/api/v1/offers', { key, body: courseBody({ status: 'live' }) }))
    .body
  const location = (await ctx.app.request(`/buy/${course.id}`)).headers.get('location') ?? ''
  fake.completeSession(location.split('/').pop() ?? '', { email: 'reader@example.com' })
}

describe('reconcile', () => {
  it('heals a webhook that was never delivered, and a second run changes nothing', async () => {
    await paidButNeverDelivered()
    expect(await countRows(ctx, 'entitlements')).toBe(0)
    const first = await reconcile(ctx.deps)
    expect(first).toMatchObject({ listed: 1, processed: 1, failed: 0 })
    expect(await countRows(ctx, 'entitlements')).toBe(1)
    const ledger = await ctx.sql.execute('select via from stripe_events')
    expect(ledger.rows.map((row) => row.via)).toEqual(['reconcile'])
    const second = await reconcile(ctx.deps)
    expect(second).toMatchObject({ processed: 0, duplicate: 1 })
    expect(await countRows(ctx, 'entitlement_changes')).toBe(1)
  })

  it('applies a refund it finds after the purchase it also finds, in the order they happened', async () => {
    await paidButNeverDelivered()
    const charge = fake.objects<{ id: string }>('charge')[0]?.id ?? ''
    ctx.clock.advance(60_000)
    fake.refundCharge(charge)
    const report = await reconcile(ctx.deps)
    expect(report).toMatchObject({ listed: 2, processed: 2 })
    expect((await ctx.sql.execute('select state from entitlements')).rows[0]?.state).toBe('revoked')
  })

  it('reports a Stripe outage as an error without writing anything', async () => {
    await paidButNeverDelivered()
    fake.failNext(1, 500)
    await expect(reconcile(ctx.deps)).rejects.toThrow()
    expect(await countRows(ctx, 'stripe_events')).toBe(0)
  })
})
