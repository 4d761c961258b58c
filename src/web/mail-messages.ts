/**
 * Mail strings in the two storefront languages, beside the page strings (i18n.ts) and in the same shape: one set
 * per locale, strings that take values are functions. Values arrive unescaped; mail/templates.ts escapes them
 * for HTML.
 */
import type { Locale } from '../db/schema'

export type SignInRole = 'buyer' | 'creator'

export interface MailMessages {
  /** Between a label and its value: full-width in Chinese. */
  colon: string
  footer: string
  linkHint: string
  signIn: {
    subject: (role: SignInRole) => string
    intro: (role: SignInRole) => string
    button: string
    expires: (minutes: number) => string
    ignore: string
  }
  receipt: {
    subject: (title: string) => string
    thanks: (creator: string, kind: string, title: string) => string
    paid: (amount: string) => string
    until: (date: string) => string
    forGood: string
    open: string
    signIn: string
  }
  consultation: {
    subject: (title: string, when: string) => string
    booked: (creator: string, title: string) => string
    when: string
    meeting: string
    noMeetingDetails: string
    calendar: string
  }
  reminder: {
    subject: (title: string, date: string) => string
    ends: (title: string, date: string) => string
    renew: string
    renewHint: string
  }
}

export const mailMessages = {
  'zh-CN': {
    colon: '：',
    footer: '此邮件由系统自动发送，请勿直接回复。',
    linkHint: '如果按钮无法点击，请复制以下链接到浏览器打开：',
    signIn: {
      subject: (role) => (role === 'creator' ? '创作者后台登录链接' : '你的登录链接'),
      intro: (role) =>
        role === 'creator' ? '点击下面的按钮登录创作者后台。' : '点击下面的按钮登录，查看你购买的内容。',
      button: '登录',
      expires: (minutes) => `链接 ${minutes} 分钟内有效，只能使用一次。`,
      ignore: '如果这不是你本人的操作，请忽略此邮件，你的账户不会有任何变化。',
    },
    receipt: {
      subject: (title) => `付款成功：${title}`,
      thanks: (creator, kind, title) => `感谢支持！你已获得${creator}的${kind}「${title}」。`,
      paid: (amount) => `实付金额：${amount}`,
      until: (date) => `有效期至：${date}`,
      forGood: '有效期：永久',
      open: '立即查看',
      signIn: '在其他设备上，用本邮箱登录即可查看：',
    },
    consultation: {
      subject: (title, when) => `预约成功：${title}（${when}）`,
      booked: (creator, title) => `你已预约${creator}的「${title}」。`,
      when: '时间',
      meeting: '参加方式',
      noMeetingDetails: '参加方式将在开始前另行通知。',
      calendar: '附件 invite.ics 可添加到日历。',
    },
    reminder: {
      subject: (title, date) => `「${title}」将于 ${date} 到期`,
      ends: (title, date) => `你的「${title}」将于 ${date} 到期。`,
      renew: '续费',
      renewHint: '现在续费，新的有效期从到期日开始计算，不会损失任何一天。',
    },
  },
  en: {
    colon: ': ',
    footer: 'This mail was sent automatically; replies are not read.',
    linkHint: 'If the button does not work, copy this link into your browser:',
    signIn: {
      subject: (role) => (role === 'creator' ? 'Your creator sign-in link' : 'Your sign-in link'),
      intro: (role) =>
        role === 'creator'
          ? 'Use the button below to sign in to your creator dashboard.'
          : 'Use the button below to sign in and open what you bought.',
      button: 'Sign in',
      expires: (minutes) => `The link works once, within ${minutes} minutes.`,
      ignore: 'If you did not ask for this, ignore this mail; nothing changes on your account.',
    },
    receipt: {
      subject: (title) => `Payment received: ${title}`,
      thanks: (creator, kind, title) =>
        `Thank you! You now have ${creator}’s ${kind.toLowerCase()} “${title}”.`,
      paid: (amount) => `Paid: ${amount}`,
      until: (date) => `Access until: ${date}`,
      forGood: 'Access: for good',
      open: 'Open it now',
      signIn: 'On another device, sign in with this email address to open it:',
    },
    consultation: {
      subject: (title, when) => `Booked: ${title} (${when})`,
      booked: (creator, title) => `Your consultation “${title}” with ${creator} is booked.`,
      when: 'When',
      meeting: 'How to join',
      noMeetingDetails: 'How to join will be sent before the start.',
      calendar: 'The attached invite.ics adds it to your calendar.',
    },
    reminder: {
      subject: (title, date) => `“${title}” ends on ${date}`,
      ends: (title, date) => `Your “${title}” ends on ${date}.`,
      renew: 'Renew',
      renewHint: 'Renew now: the new pass starts when this one ends, so no day is lost.',
    },
  },
} as const satisfies Record<Locale, MailMessages>

/** The mail messages for a locale; unknown locales fall back to zh-CN, the storefront default. */
export function mailMessagesFor(locale: string): MailMessages {
  return locale === 'en' ? mailMessages.en : mailMessages['zh-CN']
}
