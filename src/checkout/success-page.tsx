/** The page Stripe Checkout returns the buyer to. */
import { messagesFor } from '../web/i18n'
import { Layout } from '../web/layout'
import type { CheckoutOutcome } from './confirm-checkout'

export function SuccessPage({ outcome }: { outcome: CheckoutOutcome }) {
  const t = messagesFor(outcome.locale).checkout
  const title =
    outcome.state === 'paid'
      ? t.paidTitle
      : outcome.state === 'processing'
        ? t.processingTitle
        : t.unpaidTitle
  return (
    <Layout title={title} lang={outcome.locale}>
      <section class="problem" aria-labelledby="checkout-title">
        <h1 id="checkout-title">{title}</h1>
        <p>
          {outcome.state === 'paid'
            ? t.paid(outcome.offerTitle)
            : outcome.state === 'processing'
              ? t.processing
              : t.unpaid}
        </p>
        {outcome.state !== 'unpaid' && outcome.email ? <p>{t.signIn(outcome.email)}</p> : null}
        <p>
          <a href={`/c/${encodeURIComponent(outcome.creatorSlug)}`}>{outcome.creatorName}</a>
        </p>
      </section>
    </Layout>
  )
}
