/**
 * Strings of the creator's editors (offers, lessons, slots, posts, settings) in the dashboard's two languages.
 * Kept apart from web/i18n.ts, which holds the buyer-facing pages' strings. Field errors are said here too: zod
 * issues from their code and limits (`issue`), the verbs' business-rule refusals from their rule code (`rules`);
 * the schemas and verbs themselves speak the API's English.
 */
import {
  type FieldError,
  isRuleCode,
  type RuleCode,
  type RuleParams,
  type RuleTexts,
  sayRule,
} from '../catalog/offer-rules'
import type { Locale, OfferKind, OfferStatus } from '../db/schema'

/** The parts of a zod issue a field message is written from. */
export interface FieldIssue {
  code: string
  message: string
  origin?: string | undefined
  expected?: string | undefined
  minimum?: number | bigint | undefined
  maximum?: number | bigint | undefined
}

export interface EditorMessages {
  /** A validation problem with a field, in this language (the schemas' own texts are English). */
  issue: (issue: FieldIssue) => string
  /** Each business rule's refusal, by its code (catalog/offer-rules.ts), said beside the field it is about. */
  rules: RuleTexts
  save: string
  cancel: string
  edit: string
  remove: string
  publish: string
  unpublish: string
  archive: string
  saved: string
  back: string
  more: string
  statuses: Record<OfferStatus, string>
  errorSummary: string
  errors: {
    amount: string
    wholeNumber: string
    dateTime: string
  }
  offers: {
    title: string
    empty: string
    newKind: Record<OfferKind, string>
    view: string
    fields: {
      slug: string
      slugHint: string
      title: string
      description: string
      currency: string
      price: string
      termDays: string
      termDaysHint: string
      prices: string
      priceMonth: string
      priceYear: string
      pricePass: string
      passDays: string
      amountHint: string
      rank: string
      rankHint: string
      included: string
      noIncludable: string
      trialDays: string
      duration: string
      timeZone: string
      platform: string
      inviteUrl: string
      qrImageUrl: string
      instructions: string
      capacity: string
    }
    create: string
    actions: string
  }
  lessons: {
    title: string
    empty: string
    add: string
    edit: string
    body: string
    freePreview: string
    dripDays: string
    dripDaysHint: string
    moveUp: string
    moveDown: string
  }
  slots: {
    title: string
    empty: string
    add: string
    start: (timeZone: string) => string
    meetingDetails: string
    statuses: Record<'free' | 'held' | 'booked' | 'cancelled', string>
  }
  posts: {
    title: string
    empty: string
    create: string
    edit: string
    fields: {
      title: string
      slug: string
      slugHint: string
      excerpt: string
      body: string
      audience: string
    }
    everyone: string
    tierAtLeast: (title: string, rank: number) => string
    course: (title: string) => string
    preview: string
    previewHeading: string
  }
  settings: {
    title: string
    name: string
    bio: string
    locale: string
    timeZone: string
    graceDays: string
    graceDaysHint: string
    defaultCurrency: string
    locales: Record<Locale, string>
  }
}

const zhSlugTaken = '这个网址标识已被使用'

const zhCN: EditorMessages = {
  rules: {
    prices_one_currency: () => '所有价格必须使用同一币种',
    tier_needs_rank: () => '请填写等级，1 为最低',
    pass_needs_term: () => '请填写通行证天数，例如 365',
    subscription_no_term: () => '只有通行证有天数，订阅会自动续费',
    duplicate_price: () => '与另一个价格的周期和天数重复',
    one_price: () => '只能设置一个价格',
    one_time_payment: () => '只能一次性付款',
    rank_only_tiers: () => '只有会员等级可以设置等级',
    trial_only_tiers: () => '只有会员等级可以设置试用天数',
    includes_only_tiers: () => '只有会员等级可以包含其他商品',
    consultation_needs_duration: () => '请填写每次咨询的时长（分钟）',
    consultation_no_term: () => '咨询按次付费，不设有效天数',
    duration_only_consultations: () => '只有咨询可以设置时长',
    group_needs_platform: () => '请选择社群所在的平台',
    group_needs_joining: () => '请至少填写邀请链接、二维码图片链接或入群说明中的一项',
    group_only_groups: () => '只有社群可以设置入群信息',
    included_unknown: () => '所选商品不存在',
    included_kind: () => '只能包含课程和社群',
    included_twice: () => '同一商品选了两次',
    offer_slug_taken: () => zhSlugTaken,
    slot_ends_before_start: () => '结束时间必须晚于开始时间',
    slot_in_past: () => '请选择将来的时间',
    slot_overlaps_existing: () => '与已有的时段重叠',
    slot_overlaps_request: () => '与同时添加的另一个时段重叠',
    lessons_order_incomplete: ({ count }) => `需要列出本课程全部 ${count} 个课时，每个只列一次`,
    audience_not_yours: () => '请选择你自己的课程',
    audience_not_course: () => '请选择一门课程',
    post_slug_taken: () => zhSlugTaken,
    post_slug_underivable: () => '无法根据标题生成可用的网址标识，请手动填写',
  },
  issue: (issue) => {
    const size = issue.origin === 'string' ? '个字符' : ''
    switch (issue.code) {
      case 'invalid_type':
        return issue.expected === 'number' || issue.expected === 'int' ? '请输入数字' : '格式不正确'
      case 'too_small':
        return issue.origin === 'string' && Number(issue.minimum) === 1
          ? '必填'
          : `不能少于 ${String(issue.minimum)}${size}`
      case 'too_big':
        return `不能多于 ${String(issue.maximum)}${size}`
      case 'invalid_format':
        return '格式不正确'
      case 'invalid_value':
        return '请选择一个有效的选项'
      default:
        return '输入无效'
    }
  },
  save: '保存',
  cancel: '取消',
  edit: '编辑',
  remove: '删除',
  publish: '发布',
  unpublish: '下架为草稿',
  archive: '归档',
  saved: '已保存。',
  back: '返回',
  more: '更多',
  statuses: { draft: '草稿', live: '已发布', archived: '已归档' },
  errorSummary: '请修正以下问题：',
  errors: {
    amount: '请输入金额，例如 200.00',
    wholeNumber: '请输入整数',
    dateTime: '请选择日期和时间',
  },
  offers: {
    title: '商品',
    empty: '还没有商品。',
    newKind: { tier: '新建会员等级', course: '新建课程', consultation: '新建咨询', group: '新建社群' },
    view: '在店铺中查看',
    fields: {
      slug: '网址标识',
      slugHint: '小写字母、数字和连字符，例如 writing-101',
      title: '标题',
      description: '介绍',
      currency: '币种',
      price: '价格',
      termDays: '有效天数',
      termDaysHint: '留空表示永久有效',
      prices: '价格',
      priceMonth: '月付价格',
      priceYear: '年付价格',
      pricePass: '通行证价格（一次付清，可用支付宝、微信支付）',
      passDays: '通行证天数',
      amountHint: '以元为单位，例如 200.00；留空表示不提供',
      rank: '等级',
      rankHint: '1 为最低；高等级包含低等级的权益',
      included: '包含的课程和社群',
      noIncludable: '还没有可包含的课程或社群。',
      trialDays: '试用天数',
      duration: '时长（分钟）',
      timeZone: '时区',
      platform: '平台',
      inviteUrl: '邀请链接',
      qrImageUrl: '二维码图片链接',
      instructions: '入群说明',
      capacity: '人数上限',
    },
    create: '创建',
    actions: '操作',
  },
  lessons: {
    title: '课时',
    empty: '还没有课时。',
    add: '添加课时',
    edit: '编辑课时',
    body: '正文',
    freePreview: '免费试看',
    dripDays: '解锁天数',
    dripDaysHint: '购买后第几天开放；0 表示立即开放',
    moveUp: '上移',
    moveDown: '下移',
  },
  slots: {
    title: '可预约时段',
    empty: '还没有可预约时段。',
    add: '添加时段',
    start: (timeZone) => `开始时间（${timeZone}）`,
    meetingDetails: '会议信息（预约后对买家可见）',
    statuses: { free: '可预约', held: '锁定中', booked: '已预约', cancelled: '已取消' },
  },
  posts: {
    title: '文章',
    empty: '还没有文章。',
    create: '写文章',
    edit: '编辑文章',
    fields: {
      title: '标题',
      slug: '网址标识',
      slugHint: '留空则根据标题生成',
      excerpt: '摘要（所有人可见）',
      body: '正文',
      audience: '谁可以阅读',
    },
    everyone: '所有人',
    tierAtLeast: (title, rank) => `${title}（等级 ${rank}）及以上的会员`,
    course: (title) => `课程「${title}」的学员`,
    preview: '预览',
    previewHeading: '预览（尚未保存）',
  },
  settings: {
    title: '设置',
    name: '名称',
    bio: '简介',
    locale: '页面语言',
    timeZone: '时区',
    graceDays: '宽限天数',
    graceDaysHint: '续费失败后保留权益的天数（0–30）',
    defaultCurrency: '默认币种',
    locales: { 'zh-CN': '简体中文', en: 'English' },
  },
}

const enSlugTaken = 'This slug is already taken'

const en: EditorMessages = {
  rules: {
    prices_one_currency: () => 'All prices must be in the same currency',
    tier_needs_rank: () => 'Enter a rank; 1 is the lowest',
    pass_needs_term: () => 'Enter the pass length in days, e.g. 365',
    subscription_no_term: () => 'Only a pass has a length in days; subscriptions renew',
    duplicate_price: () => 'Another price has the same interval and length',
    one_price: () => 'Only one price is allowed',
    one_time_payment: () => 'Must be paid once, not as a subscription',
    rank_only_tiers: () => 'Only membership tiers have a rank',
    trial_only_tiers: () => 'Only membership tiers have trial days',
    includes_only_tiers: () => 'Only membership tiers include other offers',
    consultation_needs_duration: () => 'Enter how many minutes a session lasts',
    consultation_no_term: () => 'A consultation is paid per session, not for a number of days',
    duration_only_consultations: () => 'Only consultations have a duration',
    group_needs_platform: () => 'Choose the platform the group is on',
    group_needs_joining: () => 'Give an invite URL, a QR code image URL or joining instructions',
    group_only_groups: () => 'Only groups have joining details',
    included_unknown: () => 'A chosen offer does not exist',
    included_kind: () => 'Only courses and groups can be included',
    included_twice: () => 'An offer is chosen twice',
    offer_slug_taken: () => enSlugTaken,
    slot_ends_before_start: () => 'Must end after it starts',
    slot_in_past: () => 'Choose a time in the future',
    slot_overlaps_existing: () => 'Overlaps an existing slot',
    slot_overlaps_request: () => 'Overlaps another slot added with it',
    lessons_order_incomplete: ({ count }) => `List each of the course’s ${count} lessons exactly once`,
    audience_not_yours: () => 'Choose one of your own courses',
    audience_not_course: () => 'Choose a course',
    post_slug_taken: () => enSlugTaken,
    post_slug_underivable: () => 'No free slug could be made from the title; enter one',
  },
  issue: (issue) => issue.message,
  save: 'Save',
  cancel: 'Cancel',
  edit: 'Edit',
  remove: 'Remove',
  publish: 'Publish',
  unpublish: 'Unpublish',
  archive: 'Archive',
  saved: 'Saved.',
  back: 'Back',
  more: 'More',
  statuses: { draft: 'Draft', live: 'Live', archived: 'Archived' },
  errorSummary: 'Please correct the following:',
  errors: {
    amount: 'Enter an amount such as 200.00',
    wholeNumber: 'Enter a whole number',
    dateTime: 'Choose a date and time',
  },
  offers: {
    title: 'Offers',
    empty: 'No offers yet.',
    newKind: {
      tier: 'New membership tier',
      course: 'New course',
      consultation: 'New consultation',
      group: 'New group',
    },
    view: 'View on storefront',
    fields: {
      slug: 'Slug',
      slugHint: 'Lower-case letters, digits and hyphens, e.g. writing-101',
      title: 'Title',
      description: 'Description',
      currency: 'Currency',
      price: 'Price',
      termDays: 'Days of access',
      termDaysHint: 'Leave empty for access for good',
      prices: 'Prices',
      priceMonth: 'Monthly price',
      priceYear: 'Yearly price',
      pricePass: 'Pass price (paid once; card, Alipay or WeChat Pay)',
      passDays: 'Pass length in days',
      amountHint: 'In major units, e.g. 200.00; leave empty to not offer it',
      rank: 'Rank',
      rankHint: '1 is the lowest; a higher rank includes the lower ranks’ benefits',
      included: 'Included courses and groups',
      noIncludable: 'No courses or groups to include yet.',
      trialDays: 'Trial days',
      duration: 'Duration (minutes)',
      timeZone: 'Time zone',
      platform: 'Platform',
      inviteUrl: 'Invite URL',
      qrImageUrl: 'QR code image URL',
      instructions: 'Joining instructions',
      capacity: 'Capacity',
    },
    create: 'Create',
    actions: 'Actions',
  },
  lessons: {
    title: 'Lessons',
    empty: 'No lessons yet.',
    add: 'Add a lesson',
    edit: 'Edit lesson',
    body: 'Body',
    freePreview: 'Free preview',
    dripDays: 'Drip days',
    dripDaysHint: 'Opens this many days after purchase; 0 opens at once',
    moveUp: 'Move up',
    moveDown: 'Move down',
  },
  slots: {
    title: 'Bookable slots',
    empty: 'No slots yet.',
    add: 'Add a slot',
    start: (timeZone) => `Starts at (${timeZone})`,
    meetingDetails: 'Meeting details (shown to the buyer once booked)',
    statuses: { free: 'Free', held: 'Held', booked: 'Booked', cancelled: 'Cancelled' },
  },
  posts: {
    title: 'Posts',
    empty: 'No posts yet.',
    create: 'Write a post',
    edit: 'Edit post',
    fields: {
      title: 'Title',
      slug: 'Slug',
      slugHint: 'Leave empty to derive it from the title',
      excerpt: 'Excerpt (shown to everyone)',
      body: 'Body',
      audience: 'Who may read it',
    },
    everyone: 'Everyone',
    tierAtLeast: (title, rank) => `Members of ${title} (rank ${rank}) and above`,
    course: (title) => `Buyers of the course “${title}”`,
    preview: 'Preview',
    previewHeading: 'Preview (not saved)',
  },
  settings: {
    title: 'Settings',
    name: 'Name',
    bio: 'Bio',
    locale: 'Page language',
    timeZone: 'Time zone',
    graceDays: 'Grace days',
    graceDaysHint: 'Days members keep access after a failed renewal (0–30)',
    defaultCurrency: 'Default currency',
    locales: { 'zh-CN': '简体中文', en: 'English' },
  },
}

const editorMessages: Record<Locale, EditorMessages> = { 'zh-CN': zhCN, en }

export function editorMessagesFor(locale: Locale): EditorMessages {
  return editorMessages[locale]
}

/**
 * A verb's field error in this language: said from its rule code when it has one; an error without a code (or
 * with one this build does not know) keeps the verb's English.
 */
export function refusalText(m: EditorMessages, error: FieldError): string {
  if (!isRuleCode(error.code)) return error.message
  return sayRule(m.rules, error.code, (error.params ?? {}) as RuleParams[RuleCode])
}
