/** Request bodies for offers of each kind, with overrides: fixtures built next to the tests that use them. */
export const tierBody = (overrides: Record<string, unknown> = {}) => ({
  kind: 'tier',
  slug: 'inner-circle',
  title: 'Inner circle',
  rank: 1,
  prices: [
    { amount: 20000, currency: 'CNY', interval: 'year' },
    { amount: 20000, currency: 'CNY', interval: 'once', term_days: 365 },
  ],
  ...overrides,
})

export const courseBody = (overrides: Record<string, unknown> = {}) => ({
  kind: 'course',
  slug: 'writing-101',
  title: 'Writing 101',
  description: 'Learn to write.',
  prices: [{ amount: 19900, currency: 'CNY', interval: 'once' }],
  ...overrides,
})

export const consultationBody = (overrides: Record<string, unknown> = {}) => ({
  kind: 'consultation',
  slug: 'one-on-one',
  title: 'One-on-one',
  duration_minutes: 60,
  time_zone: 'Asia/Shanghai',
  prices: [{ amount: 50000, currency: 'CNY', interval: 'once' }],
  ...overrides,
})

export const groupBody = (overrides: Record<string, unknown> = {}) => ({
  kind: 'group',
  slug: 'wechat-group',
  title: 'Reading group',
  prices: [{ amount: 9900, currency: 'CNY', interval: 'once', term_days: 365 }],
  group: { platform: 'wechat', qr_image_url: 'https://example.com/qr.png', capacity: 200 },
  ...overrides,
})
