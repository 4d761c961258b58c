/**
 * Strings of the creator's insight pages (members, access explainer, groups to remove, revenue, bookings), in
 * the two dashboard languages with one typed shape. Kept apart from web/i18n.ts so these pages can grow without
 * touching the storefront's messages. Strings that take a value are functions.
 */
import type {
  EntitlementState,
  entitlementChangeKinds,
  entitlementSources,
  Locale,
  OfferKind,
} from '../db/schema'

type ChangeKind = (typeof entitlementChangeKinds)[number]
type Source = (typeof entitlementSources)[number]

/** Why an offer or lesson is open or shut, as the access explainer names it (access/access-schemas.ts). */
export type AccessReason =
  | 'direct'
  | 'tier'
  | 'sign_in'
  | 'no_entitlement'
  | 'lapsed'
  | 'revoked'
  | 'expired'
  | 'drip'
  | 'full'

/** Outcomes a form reports back through `?notice=` after its redirect; anything else is ignored. */
export const noticeKeys = [
  'granted',
  'revoked',
  'refundRequested',
  'refundFailed',
  'notRefundable',
  'invalidGrant',
  'removed',
  'stillHasAccess',
  'cancelled',
  'cancelFailed',
  'notCancellable',
] as const
export type NoticeKey = (typeof noticeKeys)[number]

export function isNoticeKey(value: string | undefined): value is NoticeKey {
  return (noticeKeys as readonly string[]).includes(value ?? '')
}

export interface InsightMessages {
  members: {
    title: string
    filters: string
    offer: string
    state: string
    email: string
    any: string
    apply: string
    reset: string
    member: string
    name: string
    access: string
    none: string
    next: string
    groupsLink: string
    bookingsLink: string
    states: Record<EntitlementState, string>
  }
  member: {
    back: string
    entitlements: string
    explainer: string
    explainerIntro: (at: string) => string
    yes: string
    no: string
    reasons: Record<AccessReason, string>
    kinds: Record<OfferKind, string>
    sources: Record<Source, string>
    changes: Record<ChangeKind, string>
    history: string
    noHistory: string
    stripeEvent: string
    adminAction: (action: string, actor: string) => string
    otherCause: (type: string) => string
    stateAfter: (state: string) => string
    untilAfter: (date: string) => string
    from: (date: string) => string
    until: (date: string) => string
    forGood: string
    lessons: string
    lessonOpen: string
    lessonOpensOn: (date: string) => string
    lessonShut: (reason: string) => string
    freePreview: string
    seats: (members: number, capacity: number | null) => string
    grantTitle: string
    grantOffer: string
    grantEndsOn: string
    grantEndsHint: string
    grantNote: string
    grant: string
    revoke: string
    refund: (orderId: string) => string
    actions: string
    period: string
  }
  groups: {
    title: string
    intro: string
    noGroups: string
    empty: string
    removed: string
    lostBecause: (reason: string) => string
    joined: (date: string) => string
  }
  revenue: {
    title: string
    from: string
    to: string
    show: string
    totals: string
    noData: string
    month: string
    gross: string
    refunds: string
    net: string
    count: string
    chartTitle: (currency: string) => string
    chartSummary: (currency: string, from: string, to: string, total: string, months: number) => string
    exports: string
    members: string
    orders: string
    entitlements: string
    timeZone: (zone: string) => string
  }
  bookings: {
    title: string
    empty: string
    when: string
    buyer: string
    offer: string
    meeting: string
    noMeeting: string
    cancel: string
    confirmTitle: string
    confirmText: (email: string) => string
    reason: string
    confirm: string
    keep: string
    zone: (zone: string) => string
  }
  notices: Record<NoticeKey, string>
}

const zhCN: InsightMessages = {
  members: {
    title: '会员',
    filters: '筛选',
    offer: '商品',
    state: '状态',
    email: '邮箱',
    any: '全部',
    apply: '筛选',
    reset: '清除',
    member: '会员',
    name: '姓名',
    access: '权益',
    none: '没有符合条件的会员。',
    next: '下一页',
    groupsLink: '待移出群聊的成员',
    bookingsLink: '已预约的咨询',
    states: { active: '有效', grace: '宽限期', lapsed: '已结束', revoked: '已撤销' },
  },
  member: {
    back: '返回会员列表',
    entitlements: '权益',
    explainer: '访问说明',
    explainerIntro: (at) => `截至 ${at}，此会员能否使用你的每个商品，以及原因。`,
    yes: '可以访问',
    no: '不能访问',
    reasons: {
      direct: '直接购买或赠送',
      tier: '通过会员等级',
      sign_in: '未登录',
      no_entitlement: '从未拥有',
      lapsed: '订阅已结束',
      revoked: '已退款、争议或被撤销',
      expired: '有效期已过',
      drip: '尚未解锁',
      full: '群已满',
    },
    kinds: { tier: '会员等级', course: '课程', consultation: '咨询', group: '社群' },
    sources: { order: '购买', subscription: '订阅', admin: '手动赠送' },
    changes: {
      grant: '开通',
      extend: '延长',
      grace: '进入宽限期',
      lapse: '结束',
      revoke: '撤销',
      restore: '恢复',
      move: '更换等级',
    },
    history: '历史记录',
    noHistory: '暂无记录',
    stripeEvent: 'Stripe 事件',
    adminAction: (action, actor) => `后台操作 ${action}（${actor}）`,
    otherCause: (type) => `原因：${type}`,
    stateAfter: (state) => `之后：${state}`,
    untilAfter: (date) => `有效期至 ${date}`,
    from: (date) => `自 ${date}`,
    until: (date) => `至 ${date}`,
    forGood: '永久有效',
    lessons: '课时',
    lessonOpen: '已开放',
    lessonOpensOn: (date) => `${date} 开放`,
    lessonShut: (reason) => `未开放：${reason}`,
    freePreview: '免费试看',
    seats: (members, capacity) => (capacity === null ? `${members} 人` : `${members} / ${capacity} 人`),
    grantTitle: '赠送权益',
    grantOffer: '商品',
    grantEndsOn: '截止日期（可选）',
    grantEndsHint: '留空表示永久有效；包含当天。',
    grantNote: '备注（可选）',
    grant: '赠送',
    revoke: '撤销',
    refund: (orderId) => `全额退款（订单 ${orderId}）`,
    actions: '操作',
    period: '有效期',
  },
  groups: {
    title: '待移出群聊的成员',
    intro: '这些成员已失去社群的访问权限，但仍在群里。把他们移出群聊后，点“已移出群聊”。',
    noGroups: '你还没有社群商品。',
    empty: '没有需要移出的成员。',
    removed: '已移出群聊',
    lostBecause: (reason) => `原因：${reason}`,
    joined: (date) => `${date} 入群`,
  },
  revenue: {
    title: '收入',
    from: '起始月份',
    to: '结束月份',
    show: '查看',
    totals: '合计',
    noData: '这段时间没有收入。',
    month: '月份',
    gross: '收款',
    refunds: '退款',
    net: '净额',
    count: '笔数',
    chartTitle: (currency) => `每月净收入（${currency}）`,
    chartSummary: (currency, from, to, total, months) =>
      `${currency} 每月净收入，${from} 至 ${to}：合计 ${total}，${months} 个月有收入或退款。`,
    exports: '导出 CSV',
    members: '会员',
    orders: '订单',
    entitlements: '权益',
    timeZone: (zone) => `按时区 ${zone} 的自然月统计。`,
  },
  bookings: {
    title: '已预约的咨询',
    empty: '目前没有即将进行的咨询。',
    when: '时间',
    buyer: '预约人',
    offer: '咨询',
    meeting: '会议信息',
    noMeeting: '尚未填写会议信息',
    cancel: '取消并退款',
    confirmTitle: '取消这次咨询？',
    confirmText: (email) => `将通过 Stripe 全额退款给 ${email}，并释放这个时段。`,
    reason: '原因（可选，仅记录在操作日志中）',
    confirm: '确认取消并退款',
    keep: '不取消',
    zone: (zone) => `（${zone}）`,
  },
  notices: {
    granted: '已赠送权益。',
    revoked:
      '已撤销权益，之后订阅的续费等事件也不会恢复它。订阅本身仍在 Stripe 扣款：如需停止，请取消订阅或退款。',
    refundRequested: 'Stripe 已受理退款；收到 Stripe 的通知后权益会被撤销。',
    refundFailed: 'Stripe 暂时没有受理退款，没有任何款项被退回。请稍后再试。',
    notRefundable: '这笔订单不是已支付状态，无法退款。',
    invalidGrant: '无法赠送：请选择你的商品，截止日期须在今天或以后。',
    removed: '已标记为移出群聊。',
    stillHasAccess: '此成员仍有访问权限，请先退款或撤销权益。',
    cancelled: '已取消预约，退款已提交给 Stripe。',
    cancelFailed: 'Stripe 暂时没有受理退款，预约保持不变。请稍后再试。',
    notCancellable: '这个时段已不是预约状态。',
  },
}

const en: InsightMessages = {
  members: {
    title: 'Members',
    filters: 'Filter',
    offer: 'Offer',
    state: 'State',
    email: 'Email',
    any: 'Any',
    apply: 'Filter',
    reset: 'Clear',
    member: 'Member',
    name: 'Name',
    access: 'Entitlements',
    none: 'No members match.',
    next: 'Next page',
    groupsLink: 'Group members to remove',
    bookingsLink: 'Booked consultations',
    states: { active: 'active', grace: 'in grace', lapsed: 'lapsed', revoked: 'revoked' },
  },
  member: {
    back: 'Back to members',
    entitlements: 'Entitlements',
    explainer: 'Access explained',
    explainerIntro: (at) => `As of ${at}: whether this member can use each of your offers, and why.`,
    yes: 'Has access',
    no: 'No access',
    reasons: {
      direct: 'bought or granted directly',
      tier: 'through a membership tier',
      sign_in: 'not signed in',
      no_entitlement: 'never held',
      lapsed: 'the subscription ended',
      revoked: 'refunded, disputed or revoked',
      expired: 'the term ran out',
      drip: 'not open yet',
      full: 'the group is full',
    },
    kinds: { tier: 'Tier', course: 'Course', consultation: 'Consultation', group: 'Group' },
    sources: { order: 'purchase', subscription: 'subscription', admin: 'manual grant' },
    changes: {
      grant: 'Granted',
      extend: 'Extended',
      grace: 'Grace period',
      lapse: 'Lapsed',
      revoke: 'Revoked',
      restore: 'Restored',
      move: 'Tier moved',
    },
    history: 'History',
    noHistory: 'No changes recorded',
    stripeEvent: 'Stripe event',
    adminAction: (action, actor) => `Admin action ${action} (${actor})`,
    otherCause: (type) => `Cause: ${type}`,
    stateAfter: (state) => `then ${state}`,
    untilAfter: (date) => `until ${date}`,
    from: (date) => `from ${date}`,
    until: (date) => `until ${date}`,
    forGood: 'for good',
    lessons: 'Lessons',
    lessonOpen: 'open',
    lessonOpensOn: (date) => `opens ${date}`,
    lessonShut: (reason) => `shut: ${reason}`,
    freePreview: 'free preview',
    seats: (members, capacity) =>
      capacity === null ? `${members} members` : `${members} of ${capacity} seats`,
    grantTitle: 'Grant access',
    grantOffer: 'Offer',
    grantEndsOn: 'Last day (optional)',
    grantEndsHint: 'Empty means for good; the day is included.',
    grantNote: 'Note (optional)',
    grant: 'Grant',
    revoke: 'Revoke',
    refund: (orderId) => `Refund in full (order ${orderId})`,
    actions: 'Actions',
    period: 'Period',
  },
  groups: {
    title: 'Group members to remove',
    intro:
      'These members lost access to a group but are still in its chat. Remove them there, then press “Removed from the chat”.',
    noGroups: 'You have no group offers.',
    empty: 'Nobody to remove.',
    removed: 'Removed from the chat',
    lostBecause: (reason) => `Why: ${reason}`,
    joined: (date) => `joined ${date}`,
  },
  revenue: {
    title: 'Revenue',
    from: 'From month',
    to: 'To month',
    show: 'Show',
    totals: 'Totals',
    noData: 'No revenue in these months.',
    month: 'Month',
    gross: 'Paid',
    refunds: 'Refunded',
    net: 'Net',
    count: 'Payments',
    chartTitle: (currency) => `Net revenue per month (${currency})`,
    chartSummary: (currency, from, to, total, months) =>
      `Net revenue in ${currency} per month, ${from} to ${to}: ${total} in total, ${months} months with payments or refunds.`,
    exports: 'Export CSV',
    members: 'Members',
    orders: 'Orders',
    entitlements: 'Entitlements',
    timeZone: (zone) => `Calendar months in ${zone}.`,
  },
  bookings: {
    title: 'Booked consultations',
    empty: 'No upcoming consultations.',
    when: 'When',
    buyer: 'Booked by',
    offer: 'Consultation',
    meeting: 'Meeting details',
    noMeeting: 'No meeting details yet',
    cancel: 'Cancel and refund',
    confirmTitle: 'Cancel this consultation?',
    confirmText: (email) => `${email} is refunded in full through Stripe and the slot is freed.`,
    reason: 'Reason (optional, kept in the audit log)',
    confirm: 'Cancel and refund',
    keep: 'Keep it',
    zone: (zone) => `(${zone})`,
  },
  notices: {
    granted: 'Access granted.',
    revoked:
      'Entitlement revoked; later subscription events (renewals) do not restore it. A subscription itself keeps billing in Stripe: cancel or refund it to stop that.',
    refundRequested: 'Stripe accepted the refund; access is revoked when Stripe confirms it.',
    refundFailed: 'Stripe did not accept the refund. Nothing was refunded; please try again in a moment.',
    notRefundable: 'This order is not paid, so it cannot be refunded.',
    invalidGrant: 'Not granted: pick one of your offers, and a last day that is today or later.',
    removed: 'Marked as removed from the chat.',
    stillHasAccess: 'This member still has access; refund or revoke it first.',
    cancelled: 'Booking cancelled; the refund went to Stripe.',
    cancelFailed: 'Stripe did not accept the refund, so the booking stands. Please try again in a moment.',
    notCancellable: 'This slot is no longer booked.',
  },
}

const insightMessages: Record<Locale, InsightMessages> = { 'zh-CN': zhCN, en }

export function insightMessagesFor(locale: string): InsightMessages {
  return locale === 'en' ? insightMessages.en : insightMessages['zh-CN']
}
