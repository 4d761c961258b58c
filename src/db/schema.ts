/**
 * The one schema of quanzi: every table, for libSQL files, Turso and D1 alike.
 *
 * Conventions (one throughout):
 * - ids are text with a kind prefix and a time-sortable body (`off_01J…`), see `lib/ids.ts`;
 * - times are UTC milliseconds since the epoch in integer columns ending in `_at`;
 * - money is an integer amount in minor units beside an ISO 4217 `currency`;
 * - every row a creator owns carries `creator_id`, and every creator query filters on it.
 */
import { relations, sql } from 'drizzle-orm'
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

// Times are always written by the application from `deps.clock`, never by a SQL default, so tests can
// move time and every runtime (libSQL, Turso, D1) stores the same value.
const createdAt = () => integer('created_at').notNull()
const updatedAt = () => integer('updated_at').notNull()

export const offerKinds = ['tier', 'course', 'consultation', 'group'] as const
export type OfferKind = (typeof offerKinds)[number]
export const offerStatuses = ['draft', 'live', 'archived'] as const
export type OfferStatus = (typeof offerStatuses)[number]
export const priceIntervals = ['month', 'year', 'once'] as const
export type PriceInterval = (typeof priceIntervals)[number]
export const groupPlatforms = ['wechat', 'telegram', 'discord', 'other'] as const
export type GroupPlatform = (typeof groupPlatforms)[number]
export const postAudiences = ['everyone', 'tier', 'course'] as const
export type PostAudience = (typeof postAudiences)[number]
export const locales = ['zh-CN', 'en'] as const
export type Locale = (typeof locales)[number]

export const creators = sqliteTable('creators', {
  id: text('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  email: text('email').notNull(),
  bio: text('bio').notNull().default(''),
  defaultCurrency: text('default_currency').notNull().default('CNY'),
  locale: text('locale', { enum: locales }).notNull().default('zh-CN'),
  timeZone: text('time_zone').notNull().default('Asia/Shanghai'),
  /** Days a lapsed card subscription keeps access while Stripe retries the payment. */
  graceDays: integer('grace_days').notNull().default(3),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
})

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    creatorId: text('creator_id')
      .notNull()
      .references(() => creators.id),
    /** SHA-256 of the whole key, hex. The key itself is shown once and never stored. */
    hash: text('hash').notNull().unique(),
    /** First characters of the key, so a creator can tell keys apart in a list. */
    prefix: text('prefix').notNull(),
    label: text('label').notNull().default(''),
    createdAt: createdAt(),
    lastUsedAt: integer('last_used_at'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [index('api_keys_creator_idx').on(t.creatorId)],
)

export const offers = sqliteTable(
  'offers',
  {
    id: text('id').primaryKey(),
    creatorId: text('creator_id')
      .notNull()
      .references(() => creators.id),
    kind: text('kind', { enum: offerKinds }).notNull(),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    /** Markdown. */
    description: text('description').notNull().default(''),
    status: text('status', { enum: offerStatuses }).notNull().default('draft'),
    /** Tiers only: a higher rank includes every lower-ranked tier's benefits. */
    rank: integer('rank'),
    /** Tiers only: free days before the first card charge. */
    trialDays: integer('trial_days').notNull().default(0),
    /** Consultations only: length of one slot. */
    durationMinutes: integer('duration_minutes'),
    /** IANA zone used to show times (slots, drip dates); defaults to the creator's. */
    timeZone: text('time_zone'),
    /** Display order on the storefront, lowest first. */
    position: integer('position').notNull().default(0),
    publishedAt: integer('published_at'),
    archivedAt: integer('archived_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('offers_creator_slug_idx').on(t.creatorId, t.slug),
    index('offers_creator_status_idx').on(t.creatorId, t.status, t.position),
  ],
)

/**
 * What an offer costs. A tier may have several at once: a monthly and a yearly card subscription and a
 * one-time pass (`interval = once`, `term_days`) payable with Alipay or WeChat Pay. Other kinds have one
 * `once` price. Prices are never edited in place: a changed price archives the old row, so orders keep
 * pointing at what was actually sold.
 */
export const prices = sqliteTable(
  'prices',
  {
    id: text('id').primaryKey(),
    creatorId: text('creator_id')
      .notNull()
      .references(() => creators.id),
    offerId: text('offer_id')
      .notNull()
      .references(() => offers.id),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    interval: text('interval', { enum: priceIntervals }).notNull(),
    /** For `once` prices: days of access bought; null means for good. */
    termDays: integer('term_days'),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    /** Stripe Price id when one has been created for this row (subscriptions). */
    stripePriceId: text('stripe_price_id'),
    createdAt: createdAt(),
  },
  (t) => [index('prices_offer_idx').on(t.offerId, t.active)],
)

/** A tier includes these courses and groups (and, by rank, everything lower tiers include). */
export const tierBenefits = sqliteTable(
  'tier_benefits',
  {
    creatorId: text('creator_id')
      .notNull()
      .references(() => creators.id),
    tierOfferId: text('tier_offer_id')
      .notNull()
      .references(() => offers.id),
    includedOfferId: text('included_offer_id')
      .notNull()
      .references(() => offers.id),
  },
  (t) => [
    primaryKey({ columns: [t.tierOfferId, t.includedOfferId] }),
    index('tier_benefits_included_idx').on(t.includedOfferId),
  ],
)

export const lessons = sqliteTable(
  'lessons',
  {
    id: text('id').primaryKey(),
    creatorId: text('creator_id')
      .notNull()
      .references(() => creators.id),
    offerId: text('offer_id')
      .notNull()
      .references(() => offers.id),
    position: integer('position').notNull(),
    title: text('title').notNull(),
    /** Markdown. */
    body: text('body').notNull().default(''),
    freePreview: integer('free_preview', { mode: 'boolean' }).notNull().default(false),
    /** Opens this many days after the buyer's access started; 0 = at once. */
    dripDays: integer('drip_days').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('lessons_offer_idx').on(t.offerId, t.position)],
)

export const posts = sqliteTable(
  'posts',
  {
    id: text('id').primaryKey(),
    creatorId: text('creator_id')
      .notNull()
      .references(() => creators.id),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    /** Markdown. */
    body: text('body').notNull().default(''),
    /** Shown to everyone, also when the body is locked. */
    excerpt: text('excerpt').notNull().default(''),
    audience: text('audience', { enum: postAudiences }).notNull().default('everyone'),
    /** audience = tier: members of a tier of at least this rank. */
    minRank: integer('min_rank'),
    /** audience = course: buyers of this course. */
    courseOfferId: text('course_offer_id').references(() => offers.id),
    status: text('status', { enum: offerStatuses }).notNull().default('draft'),
    publishedAt: integer('published_at'),
    archivedAt: integer('archived_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('posts_creator_slug_idx').on(t.creatorId, t.slug),
    index('posts_creator_status_idx').on(t.creatorId, t.status, t.publishedAt),
  ],
)

export const slotStatuses = ['free', 'held', 'booked', 'cancelled'] as const
export type SlotStatus = (typeof slotStatuses)[number]

export const consultationSlots = sqliteTable(
  'consultation_slots',
  {
    id: text('id').primaryKey(),
    creatorId: text('creator_id')
      .notNull()
      .references(() => creators.id),
    offerId: text('offer_id')
      .notNull()
      .references(() => offers.id),
    startsAt: integer('starts_at').notNull(),
    endsAt: integer('ends_at').notNull(),
    status: text('status', { enum: slotStatuses }).notNull().default('free'),
    /** While held: when the Checkout Session holding it expires. */
    holdExpiresAt: integer('hold_expires_at'),
    /** The order holding or booking this slot. */
    orderId: text('order_id'),
    buyerId: text('buyer_id'),
    /** Meeting link or instructions shown to the buyer once booked. */
    meetingDetails: text('meeting_details').notNull().default(''),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('slots_offer_idx').on(t.offerId, t.startsAt)],
)

export const groups = sqliteTable('groups', {
  /** One row per group offer. */
  offerId: text('offer_id')
    .primaryKey()
    .references(() => offers.id),
  creatorId: text('creator_id')
    .notNull()
    .references(() => creators.id),
  platform: text('platform', { enum: groupPlatforms }).notNull(),
  inviteUrl: text('invite_url'),
  /** Free-text joining instructions, Markdown (e.g. "add the assistant on WeChat: …"). */
  instructions: text('instructions').notNull().default(''),
  /** Link to a QR image (WeChat group codes expire after 7 days; see rotatedAt). */
  qrImageUrl: text('qr_image_url'),
  /** Maximum members; null = unlimited. */
  capacity: integer('capacity'),
  rotatedAt: integer('rotated_at'),
  updatedAt: updatedAt(),
})

export const buyers = sqliteTable('buyers', {
  id: text('id').primaryKey(),
  /** Normalised: trimmed and lower-cased. One buyer per email across the storefront. */
  email: text('email').notNull().unique(),
  name: text('name').notNull().default(''),
  stripeCustomerId: text('stripe_customer_id').unique(),
  locale: text('locale', { enum: locales }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
})

export const orderStatuses = ['open', 'paid', 'refunded', 'disputed', 'expired', 'failed'] as const
export type OrderStatus = (typeof orderStatuses)[number]

export const orders = sqliteTable(
  'orders',
  {
    id: text('id').primaryKey(),
    creatorId: text('creator_id')
      .notNull()
      .references(() => creators.id),
    offerId: text('offer_id')
      .notNull()
      .references(() => offers.id),
    priceId: text('price_id')
      .notNull()
      .references(() => prices.id),
    /** Known when signed in at checkout, else set from Checkout's collected email when paid. */
    buyerId: text('buyer_id').references(() => buyers.id),
    email: text('email'),
    slotId: text('slot_id'),
    /** `payment` (one-time, incl. passes) or `subscription`. */
    mode: text('mode', { enum: ['payment', 'subscription'] }).notNull(),
    /** `card` or `wallet` (Alipay / WeChat Pay). */
    rail: text('rail', { enum: ['card', 'wallet'] })
      .notNull()
      .default('card'),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    termDays: integer('term_days'),
    status: text('status', { enum: orderStatuses }).notNull().default('open'),
    checkoutSessionId: text('checkout_session_id').unique(),
    paymentIntentId: text('payment_intent_id'),
    chargeId: text('charge_id'),
    stripeSubscriptionId: text('stripe_subscription_id'),
    refundedAmount: integer('refunded_amount').notNull().default(0),
    /** Optional referral or campaign code carried through checkout. */
    refCode: text('ref_code'),
    expiresAt: integer('expires_at'),
    paidAt: integer('paid_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('orders_creator_idx').on(t.creatorId, t.createdAt),
    index('orders_buyer_idx').on(t.buyerId),
    index('orders_payment_intent_idx').on(t.paymentIntentId),
    index('orders_charge_idx').on(t.chargeId),
  ],
)

export const subscriptions = sqliteTable(
  'subscriptions',
  {
    id: text('id').primaryKey(),
    creatorId: text('creator_id')
      .notNull()
      .references(() => creators.id),
    buyerId: text('buyer_id')
      .notNull()
      .references(() => buyers.id),
    offerId: text('offer_id')
      .notNull()
      .references(() => offers.id),
    priceId: text('price_id').references(() => prices.id),
    stripeSubscriptionId: text('stripe_subscription_id').notNull().unique(),
    status: text('status').notNull(),
    currentPeriodEndAt: integer('current_period_end_at'),
    cancelAtPeriodEnd: integer('cancel_at_period_end', { mode: 'boolean' }).notNull().default(false),
    /** Tier the subscription moves to at period end (a scheduled downgrade). */
    pendingOfferId: text('pending_offer_id'),
    /**
     * When (ms, this app's clock) the Stripe read that last wrote this row was made: a slower handler holding an
     * older read never overwrites a newer one. A renewal applied from its invoice leaves it alone.
     */
    stripeObjectAt: integer('stripe_object_at').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('subscriptions_buyer_idx').on(t.buyerId)],
)

export const entitlementSources = ['order', 'subscription', 'admin'] as const
export const entitlementStates = ['active', 'grace', 'lapsed', 'revoked'] as const
export type EntitlementState = (typeof entitlementStates)[number]

/** Current access, derived from Stripe facts and admin actions. History lives in entitlement_changes. */
export const entitlements = sqliteTable(
  'entitlements',
  {
    id: text('id').primaryKey(),
    creatorId: text('creator_id')
      .notNull()
      .references(() => creators.id),
    buyerId: text('buyer_id')
      .notNull()
      .references(() => buyers.id),
    offerId: text('offer_id')
      .notNull()
      .references(() => offers.id),
    source: text('source', { enum: entitlementSources }).notNull(),
    /** Order id, subscription id, or audit log id for admin grants. */
    sourceId: text('source_id').notNull(),
    startsAt: integer('starts_at').notNull(),
    /** Null = for good (a one-time course purchase). */
    endsAt: integer('ends_at'),
    state: text('state', { enum: entitlementStates }).notNull().default('active'),
    graceEndsAt: integer('grace_ends_at'),
    /** Set once the pass-expiry reminder mail went out. */
    reminderSentAt: integer('reminder_sent_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('entitlements_source_idx').on(t.source, t.sourceId, t.offerId),
    index('entitlements_buyer_idx').on(t.buyerId, t.offerId),
    // Every gated page reads one buyer's entitlements with one creator: both equalities in one index, so the
    // read stays a seek however many members the creator has (bench: scale).
    index('entitlements_buyer_creator_idx').on(t.buyerId, t.creatorId),
    index('entitlements_creator_idx').on(t.creatorId, t.offerId, t.state),
  ],
)

export const entitlementChangeKinds = [
  'grant',
  'extend',
  'grace',
  'lapse',
  'revoke',
  'restore',
  'move',
] as const

/** Append-only history: every change to an entitlement and what caused it. */
export const entitlementChanges = sqliteTable(
  'entitlement_changes',
  {
    id: text('id').primaryKey(),
    creatorId: text('creator_id')
      .notNull()
      .references(() => creators.id),
    entitlementId: text('entitlement_id')
      .notNull()
      .references(() => entitlements.id),
    change: text('change', { enum: entitlementChangeKinds }).notNull(),
    /** `stripe_event`, `admin`, `checkout_success`, `schedule`. */
    causeType: text('cause_type').notNull(),
    /** Stripe event id, audit log id, … */
    causeId: text('cause_id').notNull(),
    stateAfter: text('state_after', { enum: entitlementStates }).notNull(),
    endsAtAfter: integer('ends_at_after'),
    at: integer('at').notNull(),
  },
  (t) => [
    index('entitlement_changes_entitlement_idx').on(t.entitlementId, t.at),
    uniqueIndex('entitlement_changes_cause_idx').on(t.entitlementId, t.causeId, t.change),
  ],
)

/** The webhook ledger: one row per Stripe event id; a duplicate delivery is a no-op. */
export const stripeEvents = sqliteTable(
  'stripe_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    /** Stripe's `created`, in ms. */
    createdAt: integer('created_at').notNull(),
    /** The main object's id (cs_…, sub_…, ch_…), to find events about one object. */
    objectId: text('object_id'),
    /**
     * The PaymentIntent the event concerns (sessions, charges, disputes, invoice payments): every money fact about
     * one payment, whatever order Stripe delivered them in, is found by this key.
     */
    paymentIntentId: text('payment_intent_id'),
    receivedAt: integer('received_at').notNull(),
    processedAt: integer('processed_at'),
    /** `webhook`, `reconcile`, `checkout_success`, or `api` (a change made here, read back from Stripe at once). */
    via: text('via').notNull().default('webhook'),
    error: text('error'),
    payload: text('payload').notNull(),
  },
  (t) => [
    index('stripe_events_object_idx').on(t.objectId),
    index('stripe_events_created_idx').on(t.createdAt),
    // Revenue reads invoice.paid and charge.refunded events by month.
    index('stripe_events_type_created_idx').on(t.type, t.createdAt),
    index('stripe_events_payment_intent_idx').on(t.paymentIntentId),
  ],
)

export const roles = ['buyer', 'creator'] as const

export const loginTokens = sqliteTable(
  'login_tokens',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull().unique(),
    email: text('email').notNull(),
    role: text('role', { enum: roles }).notNull(),
    creatorId: text('creator_id').references(() => creators.id),
    /** Where to go after signing in (a same-origin path). */
    next: text('next'),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
    /** Hash of the session this link opened: marks the one request that consumed it. */
    sessionHash: text('session_hash'),
    createdAt: createdAt(),
  },
  (t) => [index('login_tokens_email_idx').on(t.email, t.createdAt)],
)

export const sessions = sqliteTable(
  'sessions',
  {
    /** SHA-256 of the cookie value; the cookie itself is never stored. */
    idHash: text('id_hash').primaryKey(),
    role: text('role', { enum: roles }).notNull(),
    buyerId: text('buyer_id').references(() => buyers.id),
    creatorId: text('creator_id').references(() => creators.id),
    expiresAt: integer('expires_at').notNull(),
    revokedAt: integer('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [index('sessions_buyer_idx').on(t.buyerId), index('sessions_creator_idx').on(t.creatorId)],
)

/** Fixed-window counters for rate limits, kept in the database so every Worker isolate sees them. */
export const rateLimits = sqliteTable(
  'rate_limits',
  {
    key: text('key').notNull(),
    windowStartAt: integer('window_start_at').notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStartAt] })],
)

export const lessonProgress = sqliteTable(
  'lesson_progress',
  {
    buyerId: text('buyer_id')
      .notNull()
      .references(() => buyers.id),
    lessonId: text('lesson_id')
      .notNull()
      .references(() => lessons.id),
    creatorId: text('creator_id')
      .notNull()
      .references(() => creators.id),
    completedAt: integer('completed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.buyerId, t.lessonId] })],
)

export const groupMemberStatuses = ['member', 'to_remove', 'removed'] as const

/** Who has seen a group's invite, and whether they must be removed from the chat after losing access. */
export const groupMembers = sqliteTable(
  'group_members',
  {
    offerId: text('offer_id')
      .notNull()
      .references(() => offers.id),
    buyerId: text('buyer_id')
      .notNull()
      .references(() => buyers.id),
    creatorId: text('creator_id')
      .notNull()
      .references(() => creators.id),
    status: text('status', { enum: groupMemberStatuses }).notNull().default('member'),
    firstRevealedAt: integer('first_revealed_at').notNull(),
    removedAt: integer('removed_at'),
  },
  (t) => [
    primaryKey({ columns: [t.offerId, t.buyerId] }),
    index('group_members_status_idx').on(t.offerId, t.status),
  ],
)

export const groupReveals = sqliteTable(
  'group_reveals',
  {
    id: text('id').primaryKey(),
    offerId: text('offer_id')
      .notNull()
      .references(() => offers.id),
    buyerId: text('buyer_id')
      .notNull()
      .references(() => buyers.id),
    creatorId: text('creator_id')
      .notNull()
      .references(() => creators.id),
    at: integer('at').notNull(),
  },
  (t) => [index('group_reveals_offer_idx').on(t.offerId, t.at)],
)

/** Every creator and operator action, append-only. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: text('id').primaryKey(),
    creatorId: text('creator_id').references(() => creators.id),
    /** `api_key`, `creator`, `admin`, `system`. */
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    /** JSON with what changed. */
    detail: text('detail').notNull().default('{}'),
    at: integer('at').notNull(),
  },
  (t) => [
    index('audit_log_creator_idx').on(t.creatorId, t.at),
    // The audit log API pages newest first by id.
    index('audit_log_creator_id_idx').on(t.creatorId, t.id),
  ],
)

/** Outgoing mail, kept so a mail is sent once (dedupe key) and so the dev outbox can list it. */
export const mails = sqliteTable('mails', {
  id: text('id').primaryKey(),
  dedupeKey: text('dedupe_key').unique(),
  to: text('to').notNull(),
  subject: text('subject').notNull(),
  text: text('text').notNull(),
  html: text('html'),
  /** JSON array of {filename, contentType, content(base64)}. */
  attachments: text('attachments'),
  sentAt: integer('sent_at'),
  /** Send attempts so far; the dispatcher gives up after a few. */
  attempts: integer('attempts').notNull().default(0),
  /** When the dispatcher may (re)try it: a claim pushes this forward, so two dispatchers never send one mail. */
  nextAttemptAt: integer('next_attempt_at').notNull().default(0),
  error: text('error'),
  createdAt: createdAt(),
})

/**
 * Always empty. A write batch that read something and must not commit if it changed meanwhile ends with
 * `insert into write_guards select 'name', 0 where not (<what was read still holds>)`: the CHECK fails, the
 * whole batch rolls back, and the caller re-reads (db/client.ts `guardStatement`, db/errors.ts `staleRead`).
 */
export const writeGuards = sqliteTable(
  'write_guards',
  {
    name: text('name').notNull(),
    holds: integer('holds').notNull(),
  },
  (t) => [check('stale_read', sql`${t.holds} = 1`)],
)

// Relations for drizzle's relational queries: an offer with its prices, benefits and group in one SQL
// statement (one round trip), on libSQL and D1 alike.
export const offersRelations = relations(offers, ({ many, one }) => ({
  prices: many(prices),
  benefits: many(tierBenefits, { relationName: 'tier' }),
  group: one(groups, { fields: [offers.id], references: [groups.offerId] }),
  lessons: many(lessons),
  slots: many(consultationSlots),
}))

export const pricesRelations = relations(prices, ({ one }) => ({
  offer: one(offers, { fields: [prices.offerId], references: [offers.id] }),
}))

export const tierBenefitsRelations = relations(tierBenefits, ({ one }) => ({
  tier: one(offers, { fields: [tierBenefits.tierOfferId], references: [offers.id], relationName: 'tier' }),
  included: one(offers, { fields: [tierBenefits.includedOfferId], references: [offers.id] }),
}))

export const groupsRelations = relations(groups, ({ one }) => ({
  offer: one(offers, { fields: [groups.offerId], references: [offers.id] }),
}))

export const lessonsRelations = relations(lessons, ({ one }) => ({
  offer: one(offers, { fields: [lessons.offerId], references: [offers.id] }),
}))

export const consultationSlotsRelations = relations(consultationSlots, ({ one }) => ({
  offer: one(offers, { fields: [consultationSlots.offerId], references: [offers.id] }),
}))
