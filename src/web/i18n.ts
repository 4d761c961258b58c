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
  bookSlot: string
  myLibrary: string
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
  dashboard: {
    title: string
    sections: Record<
      'overview' | 'offers' | 'posts' | 'members' | 'bookings' | 'revenue' | 'settings',
      string
    >
    activeMembers: string
    renewalsDue: string
    churn: string
    revenueThisMonth: string
    noRevenue: string
    exports: string
    members: string
    orders: string
    entitlements: string
    storefront: string
    api: string
  }
  library: {
    title: string
    empty: string
    browse: string
    states: Record<'active' | 'grace' | 'lapsed' | 'revoked' | 'expired', string>
    sources: Record<'order' | 'subscription' | 'admin', string>
    until: (date: string) => string
    renews: (date: string) => string
    cancels: (date: string) => string
    graceUntil: (date: string) => string
    downgrade: string
    forGood: string
    open: string
    renew: string
    manageBilling: string
    bookings: string
    meeting: string
    noMeetingDetails: string
    changeLevel: string
    moveNow: string
    moveLater: string
    change: string
    changed: string
  }
  gate: {
    signIn: string
    signInHint: string
    noEntitlement: string
    lapsed: string
    revoked: string
    expired: string
    drip: (date: string) => string
    full: string
    buyWith: string
    locked: string
    completed: string
    markDone: string
    lessons: string
    backToCourse: string
    nextLesson: string
  }
  groups: {
    /** The invite link's button, e.g. "Open the invite (Telegram)". */
    join: (platform: string) => string
    qrAlt: (platform: string, title: string) => string
    scanQr: string
    howToJoin: string
    rotatedAt: (date: string) => string
    private: string
    refusedTitle: string
    reasons: Record<'no_entitlement' | 'lapsed' | 'revoked' | 'expired' | 'full', string>
    buyTitle: string
    buy: (title: string) => string
    otherAccount: string
    signInAgain: string
  }
  /** The error page a browser gets (web/problem-page.tsx): a heading and a plain sentence per kind of error. */
  problem: {
    kinds: Record<
      | 'badRequest'
      | 'signIn'
      | 'payment'
      | 'forbidden'
      | 'notFound'
      | 'conflict'
      | 'gone'
      | 'tooLarge'
      | 'mediaType'
      | 'invalid'
      | 'tooMany'
      | 'serverError'
      | 'unavailable'
      | 'other',
      { title: string; text: string }
    >
    /** The link to /login on a 401. */
    signIn: string
    requestId: (id: string) => string
    /** Labels the problem's own (English) title, detail and field errors. */
    technical: string
    home: string
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
    bookSlot: '选择时间预约',
    myLibrary: '我的内容 / 登录',
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
    dashboard: {
      title: '创作者后台',
      sections: {
        overview: '概览',
        offers: '商品',
        posts: '文章',
        members: '会员',
        bookings: '预约',
        revenue: '收入',
        settings: '设置',
      },
      activeMembers: '当前会员',
      renewalsDue: '30 天内续费',
      churn: '30 天流失',
      revenueThisMonth: '本月收入（净额）',
      noRevenue: '本月暂无收入',
      exports: '导出 CSV',
      members: '会员',
      orders: '订单',
      entitlements: '权益',
      storefront: '查看店铺',
      api: 'API 文档',
    },
    library: {
      title: '我的内容',
      empty: '这里还没有内容。',
      browse: '去看看',
      states: { active: '有效', grace: '宽限期', lapsed: '已结束', revoked: '已撤销', expired: '已到期' },
      sources: { order: '购买', subscription: '订阅', admin: '赠送' },
      until: (date) => `有效期至 ${date}`,
      renews: (date) => `${date} 自动续费`,
      cancels: (date) => `${date} 结束，不再续费`,
      graceUntil: (date) => `续费失败，宽限至 ${date}`,
      downgrade: '下个周期起更换等级',
      forGood: '永久有效',
      open: '打开',
      renew: '续期',
      manageBilling: '管理订阅与付款方式',
      bookings: '已预约的咨询',
      meeting: '会议信息',
      noMeetingDetails: '创作者会另行发送会议信息。',
      changeLevel: '更换会员等级',
      moveNow: '立即生效，补差价',
      moveLater: '下个周期生效',
      change: '更换',
      changed: '已提交更换，稍后生效的更换会显示在对应条目上。',
    },
    gate: {
      signIn: '登录后查看',
      signInHint: '已购买？用购买时的邮箱登录。',
      noEntitlement: '此内容仅对购买者开放。',
      lapsed: '你的访问已结束。',
      revoked: '你的访问已撤销（退款或争议）。',
      expired: '你的访问已到期。',
      drip: (date) => `这一课将于 ${date} 开放。`,
      full: '这个社群已满员。',
      buyWith: '获取访问权限：',
      locked: '未解锁',
      completed: '已完成',
      markDone: '标记为已完成',
      lessons: '课程目录',
      backToCourse: '← 返回课程',
      nextLesson: '下一课 →',
    },
    groups: {
      join: (platform) => `打开邀请链接（${platform}）`,
      qrAlt: (platform, title) => `「${title}」${platform}二维码`,
      scanQr: '用手机扫描二维码加入：',
      howToJoin: '加入方式',
      rotatedAt: (date) => `邀请更新于 ${date}`,
      private: '邀请仅供你本人使用，请勿转发。',
      refusedTitle: '暂时无法加入这个社群',
      reasons: {
        no_entitlement: '这个社群仅对购买者开放。',
        lapsed: '你的会员已结束，续费后即可重新加入。',
        revoked: '你的访问已撤销（退款或争议）。',
        expired: '你的访问已到期，续期后即可重新加入。',
        full: '这个社群已满员，暂时无法加入新成员。',
      },
      buyTitle: '获取访问权限',
      buy: (title) => `购买「${title}」`,
      otherAccount: '用其他邮箱购买的？请用那个邮箱登录。',
      signInAgain: '换一个邮箱登录',
    },
    problem: {
      kinds: {
        badRequest: { title: '请求有误', text: '这个请求无法处理，请检查链接或表单后重试。' },
        signIn: { title: '请先登录', text: '登录后才能继续。' },
        payment: { title: '需要购买', text: '这部分内容仅对购买者或有效会员开放。' },
        forbidden: { title: '无权操作', text: '你没有权限进行这个操作。' },
        notFound: { title: '页面不存在', text: '找不到这个页面：链接可能有误，或内容已被移除。' },
        conflict: {
          title: '操作冲突',
          text: '这个操作与当前状态冲突，可能已经处理过或已被占用。请刷新页面后重试。',
        },
        gone: { title: '内容已移除', text: '这项内容已被永久移除。' },
        tooLarge: { title: '提交的内容过大', text: '提交的内容超出了大小限制，请精简后重试。' },
        mediaType: { title: '格式不受支持', text: '提交的内容格式无法处理。' },
        invalid: { title: '填写有误', text: '提交的内容有误，请返回检查后重试。' },
        tooMany: { title: '请求过于频繁', text: '操作太频繁了，请稍后再试。' },
        serverError: { title: '出错了', text: '我们这边出了点问题，请稍后再试。' },
        unavailable: { title: '服务暂时不可用', text: '服务暂时无法使用，请稍后再试。' },
        other: { title: '请求未能完成', text: '这个请求没有完成，请稍后再试。' },
      },
      signIn: '登录',
      requestId: (id) => `如需反馈，请附上请求编号 ${id}。`,
      technical: '技术细节（英文）',
      home: '← 返回首页',
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
    bookSlot: 'Pick a time',
    myLibrary: 'My library / sign in',
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
    dashboard: {
      title: 'Creator dashboard',
      sections: {
        overview: 'Overview',
        offers: 'Offers',
        posts: 'Posts',
        members: 'Members',
        bookings: 'Bookings',
        revenue: 'Revenue',
        settings: 'Settings',
      },
      activeMembers: 'Active members',
      renewalsDue: 'Renewals due in 30 days',
      churn: 'Churn, last 30 days',
      revenueThisMonth: 'Revenue this month (net)',
      noRevenue: 'No revenue this month yet',
      exports: 'Export CSV',
      members: 'Members',
      orders: 'Orders',
      entitlements: 'Entitlements',
      storefront: 'View storefront',
      api: 'API reference',
    },
    library: {
      title: 'My library',
      empty: 'Nothing here yet.',
      browse: 'Browse',
      states: {
        active: 'Active',
        grace: 'Grace period',
        lapsed: 'Ended',
        revoked: 'Revoked',
        expired: 'Expired',
      },
      sources: { order: 'Purchase', subscription: 'Subscription', admin: 'Gift' },
      until: (date) => `Until ${date}`,
      renews: (date) => `Renews on ${date}`,
      cancels: (date) => `Ends on ${date}; will not renew`,
      graceUntil: (date) => `Renewal failed; grace until ${date}`,
      downgrade: 'Changes level from the next period',
      forGood: 'Yours for good',
      open: 'Open',
      renew: 'Renew',
      manageBilling: 'Manage subscription and payment method',
      bookings: 'Your consultations',
      meeting: 'Meeting details',
      noMeetingDetails: 'The creator will send the meeting details.',
      changeLevel: 'Change level',
      moveNow: 'now, paying the difference',
      moveLater: 'from the next period',
      change: 'Change',
      changed: 'Done. A change that waits for the next period shows on the item.',
    },
    gate: {
      signIn: 'Sign in to read this',
      signInHint: 'Already bought it? Sign in with the email you paid with.',
      noEntitlement: 'This is for buyers only.',
      lapsed: 'Your access has ended.',
      revoked: 'Your access was withdrawn (refund or dispute).',
      expired: 'Your access has expired.',
      drip: (date) => `This lesson opens on ${date}.`,
      full: 'This group is full.',
      buyWith: 'Get access with:',
      locked: 'Locked',
      completed: 'Done',
      markDone: 'Mark as done',
      lessons: 'Lessons',
      backToCourse: '← Back to the course',
      nextLesson: 'Next lesson →',
    },
    groups: {
      join: (platform) => `Open the invite (${platform})`,
      qrAlt: (platform, title) => `${platform} QR code for “${title}”`,
      scanQr: 'Scan the QR code with your phone to join:',
      howToJoin: 'How to join',
      rotatedAt: (date) => `Invite updated on ${date}`,
      private: 'This invite is for you alone; please do not pass it on.',
      refusedTitle: 'You cannot join this group yet',
      reasons: {
        no_entitlement: 'This group is for buyers only.',
        lapsed: 'Your membership has ended; renew it to join again.',
        revoked: 'Your access was withdrawn (refund or dispute).',
        expired: 'Your access has expired; renew it to join again.',
        full: 'This group is full and cannot take new members right now.',
      },
      buyTitle: 'Get access',
      buy: (title) => `Buy “${title}”`,
      otherAccount: 'Bought it with another email? Sign in with that one.',
      signInAgain: 'Sign in with another email',
    },
    problem: {
      kinds: {
        badRequest: {
          title: 'Bad request',
          text: 'We could not handle this request. Please check the link or form and try again.',
        },
        signIn: { title: 'Please sign in', text: 'You need to sign in to continue.' },
        payment: { title: 'Access required', text: 'This is for buyers and members with active access.' },
        forbidden: { title: 'Not allowed', text: 'You are not allowed to do this.' },
        notFound: {
          title: 'Page not found',
          text: 'We could not find this page. The link may be wrong, or the content was removed.',
        },
        conflict: {
          title: 'Conflict',
          text: 'This clashes with the current state: it may be done already, or taken. Please reload and try again.',
        },
        gone: { title: 'No longer available', text: 'This content has been removed for good.' },
        tooLarge: {
          title: 'Too large',
          text: 'What you sent is over the size limit. Please send less and try again.',
        },
        mediaType: { title: 'Unsupported format', text: 'What you sent is in a format we cannot handle.' },
        invalid: {
          title: 'Please check what you entered',
          text: 'Some of it is not valid. Please go back, correct it and try again.',
        },
        tooMany: { title: 'Too many requests', text: 'That was a lot of requests. Please try again later.' },
        serverError: {
          title: 'Something went wrong',
          text: 'Something went wrong on our side. Please try again later.',
        },
        unavailable: {
          title: 'Service temporarily unavailable',
          text: 'The service is temporarily unavailable. Please try again in a moment.',
        },
        other: { title: 'Request not completed', text: 'This request could not be completed.' },
      },
      signIn: 'Sign in',
      requestId: (id) => `If you report this, please quote request id ${id}.`,
      technical: 'Technical details',
      home: '← Home',
    },
  },
} as const satisfies Record<Locale, Messages>

/** The messages for a locale; unknown locales fall back to zh-CN, the storefront default. */
export function messagesFor(locale: string): Messages {
  return locale === 'en' ? messages.en : messages['zh-CN']
}
