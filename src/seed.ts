/**
 * The demo storefront `npm start` seeds once into an empty local database, so a first run shows something
 * real: a creator with one live offer of each kind.
 */
import { eq } from 'drizzle-orm'
import { createCreator } from './accounts/creators'
import { addLesson } from './catalog/lessons'
import { createOffer } from './catalog/offers'
import { addSlots } from './catalog/slots'
import { creators } from './db/schema'
import type { Deps } from './deps'
import { createPost } from './posts/create-post'

export const demoSlug = 'demo'

/** Seeds the demo creator unless it exists. Returns its slug and API key when it was created now. */
export async function seedDemo(deps: Deps): Promise<{ slug: string; apiKey: string } | null> {
  const [existing] = await deps.db
    .select({ id: creators.id })
    .from(creators)
    .where(eq(creators.slug, demoSlug))
  if (existing) return null
  const actor = { type: 'system' as const, id: 'seed' }
  const { creator, apiKey } = await createCreator(
    deps,
    {
      slug: demoSlug,
      name: '陈老师的读书会 · Chen’s Reading Circle',
      email: 'demo@quanzi.local',
      bio: '每周一本书，一起读，一起聊。A book a week, read and discussed together.',
      locale: 'zh-CN',
      default_currency: 'CNY',
    },
    actor,
  )
  const scope = { creatorId: creator.id }
  const course = await createOffer(
    deps,
    scope,
    {
      kind: 'course',
      slug: 'close-reading',
      title: '细读训练营 · Close reading, in 8 lessons',
      description: '八节课，学会慢慢读一本书。\n\nEight lessons on reading one book slowly and well.',
      status: 'live',
      position: 2,
      prices: [{ amount: 19900, currency: 'CNY', interval: 'once' }],
    },
    actor,
  )
  const lessonTitles = ['为什么要细读 · Why read closely', '做笔记 · Taking notes', '复述 · Retelling']
  for (const [index, title] of lessonTitles.entries()) {
    await addLesson(
      deps,
      scope,
      course.id,
      { title, body: `# ${title}\n\n…`, free_preview: index === 0, drip_days: index * 7 },
      actor,
    )
  }
  const group = await createOffer(
    deps,
    scope,
    {
      kind: 'group',
      slug: 'wechat-group',
      title: '读书会微信群 · The WeChat reading group',
      description: '每周日晚上一起讨论。Discussion every Sunday evening.',
      status: 'live',
      position: 3,
      prices: [{ amount: 9900, currency: 'CNY', interval: 'once', term_days: 365 }],
      group: {
        platform: 'wechat',
        instructions: '扫码入群；二维码七天更新一次。Scan the code to join; it is renewed weekly.',
        qr_image_url: 'https://example.com/demo-group-qr.png',
        capacity: 200,
      },
    },
    actor,
  )
  await createOffer(
    deps,
    scope,
    {
      kind: 'tier',
      slug: 'member',
      title: '会员 · Member',
      description: '每周精读文章和读书会群。Weekly essays and the reading group.',
      status: 'live',
      position: 0,
      rank: 1,
      included_offer_ids: [group.id],
      prices: [
        { amount: 2000, currency: 'CNY', interval: 'month' },
        { amount: 20000, currency: 'CNY', interval: 'year' },
        { amount: 20000, currency: 'CNY', interval: 'once', term_days: 365 },
      ],
    },
    actor,
  )
  await createOffer(
    deps,
    scope,
    {
      kind: 'tier',
      slug: 'inner-circle',
      title: '核心会员 · Inner circle',
      description: '会员的一切，加上细读训练营。Everything members get, plus the close-reading course.',
      status: 'live',
      position: 1,
      rank: 2,
      included_offer_ids: [course.id],
      prices: [
        { amount: 120000, currency: 'CNY', interval: 'year' },
        { amount: 120000, currency: 'CNY', interval: 'once', term_days: 365 },
      ],
    },
    actor,
  )
  const consultation = await createOffer(
    deps,
    scope,
    {
      kind: 'consultation',
      slug: 'one-on-one',
      title: '一对一答疑 · One-on-one',
      description: '60 分钟视频通话。A 60-minute video call.',
      status: 'live',
      position: 4,
      duration_minutes: 60,
      time_zone: 'Asia/Shanghai',
      prices: [{ amount: 50000, currency: 'CNY', interval: 'once' }],
    },
    actor,
  )
  // Three slots on the coming days at 10:00 Shanghai time (02:00 UTC).
  const day = 86_400_000
  const nextMorning = Math.ceil(deps.clock.now() / day) * day + 2 * 3_600_000
  await addSlots(
    deps,
    scope,
    consultation.id,
    {
      slots: [1, 2, 3].map((offset) => ({
        starts_at: new Date(nextMorning + offset * day).toISOString(),
        meeting_details: 'Tencent Meeting link is sent with the confirmation.',
      })),
    },
    actor,
  )
  const demoPosts = [
    {
      title: '欢迎来到读书会 · Welcome to the circle',
      excerpt: '这里是什么，怎么参加。What this is and how to join in.',
      audience: { type: 'everyone' as const },
    },
    {
      title: '本周精读：《城南旧事》 · This week: Memories of Peking',
      excerpt: '会员专享的精读笔记。Close-reading notes for members.',
      audience: { type: 'tier' as const, min_rank: 1 },
    },
    {
      title: '核心会员月度问答 · Inner-circle monthly Q&A',
      excerpt: '只给核心会员。For the inner circle only.',
      audience: { type: 'tier' as const, min_rank: 2 },
    },
    {
      title: '训练营补充材料 · Course handout',
      excerpt: '细读训练营学员专享。For close-reading students.',
      audience: { type: 'course' as const, course_id: course.id },
    },
  ]
  for (const [index, post] of demoPosts.entries()) {
    await createPost(
      deps,
      { id: creator.id },
      { ...post, slug: `demo-post-${index + 1}`, body: `${post.excerpt}\n\n…`, status: 'live' },
      actor,
    )
  }
  return { slug: demoSlug, apiKey: apiKey.key }
}
