/**
 * Page strings in the two storefront languages. A page picks one set by the creator's locale:
 * `messages[creator.locale].renewsMonthly`. Strings that take a number are functions.
 */
import type { GroupPlatform, Locale, OfferKind } from '../db/schema'

export interface Messages {
  kinds: Record<OfferKind, string>
  platforms: Record<GroupPlatform, string>
  renewsMonthly: string
  renewsYearly: string
  pass: (days: number) => string
  oneTime: string
  payByCard: string
  payByWallet: string
  subscribe: string
  rank: (rank: number) => string
  includes: string
  minutes: (minutes: number) => string
  freeSlots: (count: number) => string
  capacity: (count: number) => string
  lessons: string
  freePreview: string
  latestPosts: string
  noOffers: string
  notForSale: string
  details: string
  backTo: (name: string) => string
  checkout: {
    paidTitle: string
    paid: (title: string) => string
    processingTitle: string
    processing: string
    unpaidTitle: string
    unpaid: string
    signIn: (email: string) => string
  }
  auth: {
    signInTitle: string
    creatorSignInTitle: string
    emailLabel: string
    sendLink: string
    intro: string
    creatorIntro: string
    invalidEmail: string
    checkTitle: string
    check: (email: string) => string
    checkHint: string
    limitedTitle: string
    limited: (minutes: number) => string
    confirmTitle: string
    confirm: string
    continue: string
    invalidTitle: string
    invalid: string
    again: string
    signOut: string
    signedInAs: (email: string) => string
  }
}

export const messages = {
  'zh-CN': {
    kinds: { tier: '会员', course: '课程', consultation: '咨询', group: '社群' },
    platforms: { wechat: '微信群', telegram: 'Telegram', discord: 'Discord', other: '社群' },
    renewsMonthly: '按月续费（银行卡）',
    renewsYearly: '按年续费（银行卡）',
    pass: (days) => `支付宝 / 微信支付，${days} 天`,
    oneTime: '一次性付款',
    payByCard: '银行卡支付',
    payByWallet: '支付宝 / 微信支付',
    subscribe: '订阅',
    rank: (rank) => `等级 ${rank}`,
    includes: '包含',
    minutes: (minutes) => `${minutes} 分钟`,
    freeSlots: (count) => `可预约时段：${count}`,
    capacity: (count) => `限 ${count} 人`,
    lessons: '课程目录',
    freePreview: '试看',
    latestPosts: '最新文章',
    noOffers: '暂无在售内容。',
    notForSale: '暂未开放购买。',
    details: '查看详情',
    backTo: (name) => `← 返回 ${name}`,
    checkout: {
      paidTitle: '付款成功',
      paid: (title) => `你已获得「${title}」。`,
      processingTitle: '正在确认付款',
      processing: '支付宝 / 微信支付可能需要片刻确认，确认后会自动开通。',
      unpaidTitle: '尚未付款',
      unpaid: '这次结账没有完成，没有扣款。',
      signIn: (email) => `请用 ${email} 登录查看。`,
    },
    auth: {
      signInTitle: '登录',
      creatorSignInTitle: '创作者登录',
      emailLabel: '邮箱',
      sendLink: '发送登录链接',
      intro: '输入购买时使用的邮箱，我们会发送一个登录链接，无需密码。',
      creatorIntro: '输入你创作者账户的邮箱，我们会发送一个登录链接。',
      invalidEmail: '请输入有效的邮箱地址。',
      checkTitle: '请查收邮件',
      check: (email) => `如果 ${email} 可以登录，登录链接已经发出。`,
      checkHint: '链接 15 分钟内有效，只能使用一次。没收到？请检查垃圾邮件，或稍后重试。',
      limitedTitle: '请求过于频繁',
      limited: (minutes) => `登录请求太多了，请 ${minutes} 分钟后再试。`,
      confirmTitle: '确认登录',
      confirm: '点击下面的按钮完成登录。',
      continue: '登录',
      invalidTitle: '链接已失效',
      invalid: '这个登录链接已经用过或已过期。',
      again: '重新获取登录链接',
      signOut: '退出登录',
      signedInAs: (email) => `已登录：${email}`,
    },
  },
  en: {
    kinds: { tier: 'Membership', course: 'Course', consultation: 'Consultation', group: 'Group' },
    platforms: { wechat: 'WeChat group', telegram: 'Telegram', discord: 'Discord', other: 'Group' },
    renewsMonthly: 'Renews monthly (card)',
    renewsYearly: 'Renews yearly (card)',
    pass: (days) => `Alipay / WeChat Pay, ${days} days`,
    oneTime: 'One-time payment',
    payByCard: 'Pay by card',
    payByWallet: 'Alipay / WeChat Pay',
    subscribe: 'Subscribe',
    rank: (rank) => `Level ${rank}`,
    includes: 'Includes',
    minutes: (minutes) => `${minutes} minutes`,
    freeSlots: (count) => (count === 1 ? '1 open slot' : `${count} open slots`),
    capacity: (count) => `Up to ${count} members`,
    lessons: 'Lessons',
    freePreview: 'Free preview',
    latestPosts: 'Latest posts',
    noOffers: 'Nothing on sale yet.',
    notForSale: 'Not on sale yet.',
    details: 'Details',
    backTo: (name) => `← Back to ${name}`,
    checkout: {
      paidTitle: 'Payment received',
      paid: (title) => `You now have “${title}”.`,
      processingTitle: 'Confirming your payment',
      processing: 'Alipay and WeChat Pay can take a moment to confirm; access opens as soon as they do.',
      unpaidTitle: 'Not paid',
      unpaid: 'This checkout was not completed; nothing was charged.',
      signIn: (email) => `Sign in with ${email} to open it.`,
    },
    auth: {
      signInTitle: 'Sign in',
      creatorSignInTitle: 'Creator sign-in',
      emailLabel: 'Email',
      sendLink: 'Email me a sign-in link',
      intro: 'Enter the email you paid with and we will send you a sign-in link. No password needed.',
      creatorIntro: 'Enter your creator account’s email and we will send you a sign-in link.',
      invalidEmail: 'Please enter a valid email address.',
      checkTitle: 'Check your email',
      check: (email) => `If ${email} can sign in here, a sign-in link is on its way.`,
      checkHint:
        'The link works once, for 15 minutes. Nothing arrived? Check your spam folder, or try again later.',
      limitedTitle: 'Too many requests',
      limited: (minutes) => `Too many sign-in requests. Please try again in ${minutes} minutes.`,
      confirmTitle: 'Confirm sign-in',
      confirm: 'Press the button to finish signing in.',
      continue: 'Sign in',
      invalidTitle: 'This link no longer works',
      invalid: 'This sign-in link was already used or has expired.',
      again: 'Get a new sign-in link',
      signOut: 'Sign out',
      signedInAs: (email) => `Signed in as ${email}`,
    },
  },
} as const satisfies Record<Locale, Messages>

/** The messages for a locale; unknown locales fall back to zh-CN, the storefront default. */
export function messagesFor(locale: string): Messages {
  return locale === 'en' ? messages.en : messages['zh-CN']
}

/** The page language for a visitor with no creator context: English if they prefer it, else zh-CN. */
export function localeFromAcceptLanguage(header: string | undefined): Locale {
  const first = (header ?? '').split(',')[0]?.trim().toLowerCase() ?? ''
  return first.startsWith('en') ? 'en' : 'zh-CN'
}
