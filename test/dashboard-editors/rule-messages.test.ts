/**
 * The verbs' business-rule refusals on the editor forms: said in the page's language beside their field, while
 * the JSON API keeps answering the rules' English, path and message only.
 */
import { describe, expect, it } from 'vitest'
import {
  type RuleCode,
  type RuleParams,
  ruleCodes,
  ruleMessages,
  sayRule,
} from '../../src/catalog/offer-rules'
import { editorMessagesFor } from '../../src/dashboard/editor-messages'
import { validationFailed } from '../../src/lib/problem'
import { createTestContext, givenCreator } from '../helpers'
import { type Editor, givenCourse, idIn, newEditor } from './harness'

type Page = { status: number; html: string }

interface Refusal {
  rule: RuleCode
  /** The form field the message shows beside. */
  field: string
  status: 409 | 422
  zh: string
  en: string
  /** The start of the rule's API English, which the page must not show. */
  api: string
  refuse: (editor: Editor) => Promise<Page>
}

async function givenConsultation(editor: Editor): Promise<string> {
  const created = await editor.submit('/dashboard/offers/new?kind=consultation', '/dashboard/offers', {
    kind: 'consultation',
    title: 'One-on-one',
    slug: 'one-on-one',
    currency: 'CNY',
    price: '500.00',
    duration_minutes: '60',
    time_zone: 'Asia/Shanghai',
  })
  if (created.status !== 303) throw new Error(`creating a consultation answered ${created.status}`)
  return idIn(created.location, 'off')
}

const newTier = (editor: Editor, fields: Record<string, string>) =>
  editor.submit('/dashboard/offers/new?kind=tier', '/dashboard/offers', {
    kind: 'tier',
    title: 'Inner circle',
    slug: 'inner-circle',
    currency: 'CNY',
    rank: '1',
    price_year: '100.00',
    ...fields,
  })

const group = {
  title: 'Reading group',
  slug: 'reading-group',
  currency: 'CNY',
  price: '99.00',
  platform: 'telegram',
  invite_url: '',
  qr_image_url: '',
  instructions: '',
}

async function addSlot(editor: Editor, offerId: string, startsAt: string): Promise<Page> {
  return editor.submit(`/dashboard/offers/${offerId}/slots/new`, `/dashboard/offers/${offerId}/slots`, {
    starts_at: startsAt,
  })
}

const newPost = (editor: Editor, fields: Record<string, string>) =>
  editor.submit('/dashboard/posts/new', '/dashboard/posts', {
    title: 'Hello',
    body: 'Body',
    audience: 'everyone',
    intent: 'save',
    ...fields,
  })

const refusals: Refusal[] = [
  {
    rule: 'pass_needs_term',
    field: 'pass_days',
    status: 422,
    zh: '请填写通行证天数，例如 365',
    en: 'Enter the pass length in days, e.g. 365',
    api: 'a tier pass (interval once) needs term_days',
    refuse: (editor) => newTier(editor, { price_pass: '100.00', pass_days: '' }),
  },
  {
    rule: 'tier_needs_rank',
    field: 'rank',
    status: 422,
    zh: '请填写等级，1 为最低',
    en: 'Enter a rank; 1 is the lowest',
    api: 'a tier needs a rank',
    refuse: (editor) => newTier(editor, { rank: '' }),
  },
  {
    rule: 'included_kind',
    field: 'included_offer_ids',
    status: 422,
    zh: '只能包含课程和社群',
    en: 'Only courses and groups can be included',
    api: 'a tier includes courses and groups',
    refuse: async (editor) => newTier(editor, { included_offer_ids: await givenConsultation(editor) }),
  },
  {
    rule: 'consultation_needs_duration',
    field: 'duration_minutes',
    status: 422,
    zh: '请填写每次咨询的时长（分钟）',
    en: 'Enter how many minutes a session lasts',
    api: 'a consultation needs a slot length',
    refuse: (editor) =>
      editor.submit('/dashboard/offers/new?kind=consultation', '/dashboard/offers', {
        kind: 'consultation',
        title: 'One-on-one',
        slug: 'one-on-one',
        currency: 'CNY',
        price: '500.00',
        duration_minutes: '',
      }),
  },
  {
    rule: 'group_needs_joining',
    field: 'invite_url',
    status: 422,
    zh: '请至少填写邀请链接、二维码图片链接或入群说明中的一项',
    en: 'Give an invite URL, a QR code image URL or joining instructions',
    api: 'a group needs an invite_url',
    // On the edit page: the update verb checks the offer as it would be after the change.
    refuse: async (editor) => {
      const created = await editor.submit('/dashboard/offers/new?kind=group', '/dashboard/offers', {
        kind: 'group',
        ...group,
        instructions: 'Say hello.',
      })
      const page = `/dashboard/offers/${idIn(created.location, 'off')}`
      return editor.submit(page, page, group)
    },
  },
  {
    rule: 'offer_slug_taken',
    field: 'slug',
    status: 409,
    zh: '这个网址标识已被使用',
    en: 'This slug is already taken',
    api: 'You already have an offer',
    refuse: async (editor) => {
      await givenCourse(editor)
      return editor.submit('/dashboard/offers/new?kind=course', '/dashboard/offers', {
        kind: 'course',
        title: 'Writing 102',
        slug: 'writing-101',
        currency: 'CNY',
        price: '10.00',
      })
    },
  },
  {
    rule: 'slot_in_past',
    field: 'starts_at',
    status: 422,
    zh: '请选择将来的时间',
    en: 'Choose a time in the future',
    api: 'must be in the future',
    refuse: async (editor) => addSlot(editor, await givenConsultation(editor), '2026-01-01T10:00'),
  },
  {
    rule: 'slot_overlaps_existing',
    field: 'starts_at',
    status: 422,
    zh: '与已有的时段重叠',
    en: 'Overlaps an existing slot',
    api: 'overlaps an existing slot',
    refuse: async (editor) => {
      const offerId = await givenConsultation(editor)
      expect((await addSlot(editor, offerId, '2026-12-01T10:00')).status).toBe(303)
      return addSlot(editor, offerId, '2026-12-01T10:30')
    },
  },
  {
    rule: 'audience_not_course',
    field: 'audience',
    status: 422,
    zh: '请选择一门课程',
    en: 'Choose a course',
    api: 'must be a course offer',
    refuse: async (editor) => newPost(editor, { audience: `course:${await givenConsultation(editor)}` }),
  },
  {
    rule: 'audience_not_yours',
    field: 'audience',
    status: 422,
    zh: '请选择你自己的课程',
    en: 'Choose one of your own courses',
    api: 'is not one of your offers',
    refuse: (editor) => newPost(editor, { audience: 'course:off_nothere' }),
  },
  {
    rule: 'post_slug_taken',
    field: 'slug',
    status: 409,
    zh: '这个网址标识已被使用',
    en: 'This slug is already taken',
    api: 'You already have a post',
    refuse: async (editor) => {
      expect((await newPost(editor, { slug: 'hello' })).status).toBe(303)
      return newPost(editor, { title: 'Hello again', slug: 'hello' })
    },
  },
]

/** The message shown beside a field, or null. */
const errorBeside = (html: string, field: string) =>
  new RegExp(`<span id="f-${field}-error" class="error">([^<]*)</span>`).exec(html)?.[1] ?? null

const allFieldErrors = (html: string) =>
  [...html.matchAll(/<span id="f-[\w-]+-error" class="error">([^<]*)<\/span>/g)].map((match) => match[1])

describe('business-rule refusals on the editor forms', () => {
  it.each(refusals)('says $rule beside its field in Chinese on a zh-CN dashboard', async (refusal) => {
    const editor = await newEditor({ locale: 'zh-CN' })
    const refused = await refusal.refuse(editor)
    expect(refused.status).toBe(refusal.status)
    expect(errorBeside(refused.html, refusal.field)).toBe(refusal.zh)
    expect(refused.html).toContain(`${refusal.zh}</a></li>`)
    expect(refused.html).not.toContain(refusal.api)
    expect(refused.html).not.toContain(refusal.en)
    for (const message of allFieldErrors(refused.html)) expect(message).not.toMatch(/[A-Za-z]/)
  })

  it.each(refusals)('says $rule beside its field in the dashboard’s English', async (refusal) => {
    const editor = await newEditor({ locale: 'en' })
    const refused = await refusal.refuse(editor)
    expect(refused.status).toBe(refusal.status)
    expect(errorBeside(refused.html, refusal.field)).toBe(refusal.en)
    expect(refused.html).not.toContain(refusal.api)
    expect(refused.html).not.toContain(refusal.zh)
  })

  it('has a text for every rule code in both languages, and none for a code that does not exist', () => {
    const sample = { kind: 'consultation', id: 'off_x', slug: 'taken', count: 3 } as const
    for (const locale of ['zh-CN', 'en'] as const) {
      const { rules } = editorMessagesFor(locale)
      expect(Object.keys(rules).sort()).toEqual([...ruleCodes].sort())
      for (const code of ruleCodes) {
        expect(typeof rules[code], `${locale} ${code}`).toBe('function')
        const text = sayRule(rules, code, sample as RuleParams[RuleCode])
        expect(text.trim(), `${locale} ${code}`).not.toBe('')
        expect(text, `${locale} ${code}`).not.toBe(
          sayRule(ruleMessages, code, sample as RuleParams[RuleCode]),
        )
        if (locale === 'zh-CN') expect(text, code).toMatch(/^[^A-Za-z]*[\u4e00-\u9fff][^A-Za-z]*$/)
      }
    }
    // The page languages say different things; the API's English is a third text, kept for clients.
    const zh = editorMessagesFor('zh-CN').rules
    const en = editorMessagesFor('en').rules
    for (const code of ruleCodes)
      expect(sayRule(zh, code, sample as RuleParams[RuleCode])).not.toBe(
        sayRule(en, code, sample as RuleParams[RuleCode]),
      )
  })
})

describe('the API keeps the rules’ English', () => {
  it('answers a rule refusal with path and message only, byte for byte', async () => {
    const ctx = await createTestContext()
    const creator = await givenCreator(ctx, { slug: 'writer', email: 'writer@example.com', locale: 'zh-CN' })
    const response = await ctx.app.request('/api/v1/offers', {
      method: 'POST',
      headers: { authorization: `Bearer ${creator.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'tier',
        slug: 'inner-circle',
        title: 'Inner circle',
        rank: 1,
        prices: [{ amount: 10000, currency: 'CNY', interval: 'once' }],
      }),
    })
    expect(response.status).toBe(422)
    expect(await response.text()).toBe(
      JSON.stringify({
        type: '/problems/validation-failed',
        title: 'Validation failed',
        status: 422,
        detail: 'prices.0.term_days: a tier pass (interval once) needs term_days, e.g. 365',
        instance: '/api/v1/offers',
        errors: [
          { path: 'prices.0.term_days', message: 'a tier pass (interval once) needs term_days, e.g. 365' },
        ],
      }),
    )
  })

  it('keeps code and params on the thrown problem only', () => {
    const problem = validationFailed([
      { path: 'rank', message: 'a tier needs a rank (1 = lowest)', code: 'tier_needs_rank', params: {} },
    ])
    expect(problem.fieldErrors[0]?.code).toBe('tier_needs_rank')
    expect(JSON.stringify(problem)).not.toContain('tier_needs_rank')
    expect(problem.toJSON().errors).toEqual([{ path: 'rank', message: 'a tier needs a rank (1 = lowest)' }])
  })
})
