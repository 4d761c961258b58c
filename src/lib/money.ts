/**
 * Money is an integer amount in minor units beside an ISO 4217 code. Only currencies Stripe settles and
 * quanzi's creators use are accepted; the exponent says how many minor units make one major unit.
 */
export const currencyExponents = {
  CNY: 2,
  HKD: 2,
  TWD: 2,
  USD: 2,
  EUR: 2,
  GBP: 2,
  JPY: 0,
  KRW: 0,
  SGD: 2,
  MYR: 2,
  THB: 2,
  AUD: 2,
  NZD: 2,
  CAD: 2,
  CHF: 2,
} as const satisfies Record<string, number>

export type Currency = keyof typeof currencyExponents
export const currencies = Object.keys(currencyExponents) as [Currency, ...Currency[]]

/** Stripe's ceiling for one charge in most currencies (99,999,999 minor units). */
export const maxAmount = 99_999_999

export function isCurrency(value: string): value is Currency {
  return Object.hasOwn(currencyExponents, value)
}

/**
 * Formats minor units for a locale: `formatMoney(20000, 'CNY', 'zh-CN')` → `¥200.00`,
 * `formatMoney(20000, 'CNY', 'en')` → `CN¥200.00`.
 */
export function formatMoney(amount: number, currency: string, locale: string): string {
  const exponent = isCurrency(currency) ? currencyExponents[currency] : 2
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  }).format(amount / 10 ** exponent)
}
