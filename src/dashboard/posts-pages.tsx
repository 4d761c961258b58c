/**
 * The post editor under /dashboard/posts: list, write, edit, publish, unpublish, archive, and preview. Preview
 * is a second submit button of the same form: the page comes back with the body rendered exactly as buyers see
 * it (web/paragraphs.tsx) and nothing is written. Saves go through the same schemas and verbs as /api/v1/posts.
 */
import { type Context, Hono } from 'hono'
import type { AppEnv } from '../app-env'
import type { OfferJson } from '../catalog/offer-schemas'
import { listOffers, offersPageRead } from '../catalog/offers'
import type { Deps } from '../deps'
import { archivePost } from '../posts/archive-post'
import { createPost } from '../posts/create-post'
import { type Audience, createPostSchema, type PostJson, updatePostSchema } from '../posts/post-json'
import { listPosts, postRead, readPost } from '../posts/read-posts'
import { updatePost } from '../posts/update-post'
import { Markdown } from '../web/markdown'
import {
  ActionButton,
  Csrf,
  creatorActor,
  ErrorSummary,
  editorForm,
  editorPage,
  Field,
  type FormState,
  type FormValues,
  fieldValue,
  formState,
  Saved,
  SelectField,
  schemaErrors,
  TextAreaField,
  toSignIn,
  verbErrors,
} from './editor-forms'
import { type EditorMessages, editorMessagesFor } from './editor-messages'
import { type CreatorPage, DashboardShell } from './shell'

const listPath = '/dashboard/posts'
const postPath = (postId: string) => `${listPath}/${encodeURIComponent(postId)}`

type AudienceOption = { value: string; label: string }

/** The audience select encodes an audience as one value: `everyone`, `tier:2`, `course:off_…`. */
const audienceValue = (audience: Audience): string =>
  audience.type === 'tier'
    ? `tier:${audience.min_rank}`
    : audience.type === 'course'
      ? `course:${audience.course_id}`
      : 'everyone'

/** The value back as the API's audience; anything unknown is left for the shared schema to refuse. */
function audienceFrom(value: string): unknown {
  const [type, rest] = value.split(/:(.*)/s)
  if (type === 'tier') return { type, min_rank: /^\d{1,3}$/.test(rest ?? '') ? Number(rest) : Number.NaN }
  if (type === 'course') return { type, course_id: rest ?? '' }
  return { type }
}

/** Everyone, each tier rank (named by its tiers), each course: from the creator's offers, one query. */
function audienceOptions(offers: OfferJson[], m: EditorMessages, current?: string): AudienceOption[] {
  const ranks = new Map<number, string[]>()
  for (const offer of offers)
    if (offer.kind === 'tier' && offer.rank !== null && offer.status !== 'archived')
      ranks.set(offer.rank, [...(ranks.get(offer.rank) ?? []), offer.title])
  const options: AudienceOption[] = [
    { value: 'everyone', label: m.posts.everyone },
    ...[...ranks.entries()]
      .sort(([a], [b]) => a - b)
      .map(([rank, titles]) => ({
        value: `tier:${rank}`,
        label: m.posts.tierAtLeast(titles.join(' / '), rank),
      })),
    ...offers
      .filter((offer) => offer.kind === 'course' && offer.status !== 'archived')
      .map((offer) => ({ value: `course:${offer.id}`, label: m.posts.course(offer.title) })),
  ]
  // A post may name a rank or course that is no longer on offer; keep it selectable rather than lose it.
  if (current && !options.some((option) => option.value === current))
    options.push({ value: current, label: current })
  return options
}

const postLabels = (m: EditorMessages): Record<string, string> => ({
  title: m.posts.fields.title,
  slug: m.posts.fields.slug,
  excerpt: m.posts.fields.excerpt,
  body: m.posts.fields.body,
  audience: m.posts.fields.audience,
})

/** `audience.course_id` and friends show on the audience select; other paths keep their names. */
const postFieldOf = (path: string) => (path.startsWith('audience') ? 'audience' : (path.split('.')[0] ?? ''))

function readPostForm(values: FormValues) {
  const slug = fieldValue(values, 'slug').trim()
  return {
    title: fieldValue(values, 'title'),
    ...(slug && { slug }),
    body: fieldValue(values, 'body'),
    excerpt: fieldValue(values, 'excerpt'),
    audience: audienceFrom(fieldValue(values, 'audience')),
  }
}

const postValues = (post: PostJson): FormValues => ({
  title: post.title,
  slug: post.slug,
  excerpt: post.excerpt,
  body: post.body,
  audience: audienceValue(post.audience),
})

function StatusBadge(props: { status: PostJson['status']; m: EditorMessages }) {
  return <span class={`badge status-${props.status}`}>{props.m.statuses[props.status]}</span>
}

function PostsList(props: { page: CreatorPage; posts: PostJson[]; next: string | null }) {
  const { creator } = props.page
  const m = editorMessagesFor(creator.locale)
  return (
    <DashboardShell page={props.page} section="posts" title={m.posts.title}>
      <p>
        <a class="button" href={`${listPath}/new`}>
          {m.posts.create}
        </a>
      </p>
      {props.posts.length ? (
        <ul class="posts">
          {props.posts.map((post) => (
            <li data-post={post.id}>
              <a href={postPath(post.id)}>{post.title}</a>
              <StatusBadge status={post.status} m={m} />
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">{m.posts.empty}</p>
      )}
      {props.next ? (
        <p>
          <a href={`${listPath}?cursor=${encodeURIComponent(props.next)}`}>{m.more} →</a>
        </p>
      ) : null}
    </DashboardShell>
  )
}

function PostFormPage(props: {
  page: CreatorPage
  post: PostJson | null
  state: FormState
  audiences: AudienceOption[]
  preview: boolean
  saved: boolean
}) {
  const { page, post, state } = props
  const { creator } = page
  const m = editorMessagesFor(creator.locale)
  const f = m.posts.fields
  const action = post ? postPath(post.id) : listPath
  return (
    <DashboardShell page={page} section="posts" title={post ? m.posts.edit : m.posts.create}>
      <p>
        <a href={listPath}>← {m.posts.title}</a>
        {post ? <StatusBadge status={post.status} m={m} /> : null}
      </p>
      <Saved show={props.saved} m={m} />
      {post ? (
        <div class="actions">
          {post.status === 'live' ? (
            <>
              <a
                class="button secondary"
                href={`/c/${encodeURIComponent(creator.slug)}/posts/${encodeURIComponent(post.slug)}`}
              >
                {m.offers.view}
              </a>
              <ActionButton
                page={page}
                action={`${action}/status`}
                fields={{ status: 'draft' }}
                label={m.unpublish}
                secondary
              />
            </>
          ) : (
            <ActionButton
              page={page}
              action={`${action}/status`}
              fields={{ status: 'live' }}
              label={m.publish}
            />
          )}
          {post.status !== 'archived' ? (
            <ActionButton page={page} action={`${action}/archive`} label={m.archive} secondary />
          ) : null}
        </div>
      ) : null}
      <ErrorSummary state={state} labels={postLabels(m)} m={m} />
      <form method="post" action={action} class="stack" novalidate>
        <Csrf page={page} />
        <Field state={state} name="title" label={f.title} required />
        <Field state={state} name="slug" label={f.slug} hint={f.slugHint} />
        <SelectField state={state} name="audience" label={f.audience} options={props.audiences} />
        <TextAreaField state={state} name="excerpt" label={f.excerpt} rows={3} />
        <TextAreaField state={state} name="body" label={f.body} rows={16} />
        <div class="actions">
          {/* The first submit button is the one Enter presses: saving, not previewing. */}
          <button type="submit" class="button" name="intent" value="save">
            {m.save}
          </button>
          <button type="submit" class="button secondary" name="intent" value="preview">
            {m.posts.preview}
          </button>
        </div>
      </form>
      {props.preview ? (
        <section class="card preview" aria-labelledby="preview-title">
          <h2 id="preview-title" class="muted">
            {m.posts.previewHeading}
          </h2>
          <article>
            <h1>{fieldValue(state.values, 'title')}</h1>
            <Markdown text={fieldValue(state.values, 'body')} />
          </article>
        </section>
      ) : null}
    </DashboardShell>
  )
}

/** The offers the audience select is built from: the creator's first 100, newest first. */
const audienceOffers = { limit: 100 } as const

async function creatorOffers(deps: Deps, creatorId: string): Promise<OfferJson[]> {
  return (await listOffers(deps, { creatorId }, audienceOffers)).data
}

/** The post (404 when unknown or another creator's) and the offers for its form, in one round trip. */
async function postWithOffers(
  { db }: Pick<Deps, 'db'>,
  creatorId: string,
  postId: string,
): Promise<{ post: PostJson; offers: OfferJson[] }> {
  const post = postRead(db, creatorId, postId)
  const offers = offersPageRead(db, { creatorId }, audienceOffers)
  const [postRows, offerRows] = await db.batch([post.query, offers.query])
  return { post: post.answer(postRows), offers: offers.answer(offerRows).data }
}

export function postPages(deps: Deps) {
  const render = async (
    c: Context<AppEnv>,
    page: CreatorPage,
    props: {
      post: PostJson | null
      state: FormState
      preview?: boolean
      saved?: boolean
      /** The creator's offers when already read (in the page's batch); read here otherwise. */
      offers?: OfferJson[]
    },
    status: 200 | 409 | 422 = 200,
  ) => {
    const m = editorMessagesFor(page.creator.locale)
    const audiences = audienceOptions(
      props.offers ?? (await creatorOffers(deps, page.creator.id)),
      m,
      fieldValue(props.state.values, 'audience'),
    )
    return c.html(
      <PostFormPage
        page={page}
        post={props.post}
        state={props.state}
        audiences={audiences}
        preview={props.preview ?? false}
        saved={props.saved ?? false}
      />,
      status,
    )
  }

  return new Hono<AppEnv>()
    .get(listPath, async (c) => {
      const page = await editorPage(deps, c)
      if (!page) return toSignIn(c, listPath)
      const cursor = c.req.query('cursor')?.slice(0, 64)
      const posts = await listPosts(deps, page.creator.id, { limit: 50, cursor })
      return c.html(<PostsList page={page} posts={posts.data} next={posts.next_cursor} />)
    })
    .get(`${listPath}/new`, async (c) => {
      const page = await editorPage(deps, c)
      if (!page) return toSignIn(c, `${listPath}/new`)
      return render(c, page, { post: null, state: formState({ audience: 'everyone' }) })
    })
    .post(listPath, async (c) => {
      const posted = await editorForm(deps, c)
      if (!posted) return toSignIn(c, listPath)
      const { page, form } = posted
      if (form.intent === 'preview')
        return render(c, page, { post: null, state: formState(form), preview: true })
      const parsed = createPostSchema.safeParse({ ...readPostForm(form), status: 'draft' })
      if (!parsed.success)
        return render(
          c,
          page,
          {
            post: null,
            state: formState(
              form,
              schemaErrors(parsed.error, postFieldOf, {}, editorMessagesFor(page.creator.locale)),
            ),
          },
          422,
        )
      try {
        const post = await createPost(deps, page.creator, parsed.data, creatorActor(page))
        return c.redirect(`${postPath(post.id)}?saved=1`, 303)
      } catch (error) {
        const refused = verbErrors(error, postFieldOf, editorMessagesFor(page.creator.locale))
        return render(c, page, { post: null, state: formState(form, refused.errors) }, refused.status)
      }
    })
    .get(`${listPath}/:id`, async (c) => {
      const page = await editorPage(deps, c)
      if (!page) return toSignIn(c, c.req.path)
      // The post and the offers for the audience select: one batch after the session.
      const { post, offers } = await postWithOffers(deps, page.creator.id, c.req.param('id'))
      return render(c, page, {
        post,
        offers,
        state: formState(postValues(post)),
        saved: c.req.query('saved') === '1',
      })
    })
    .post(`${listPath}/:id`, async (c) => {
      const posted = await editorForm(deps, c)
      if (!posted) return toSignIn(c, c.req.path)
      const { page, form } = posted
      const postId = c.req.param('id')
      // The post is read only for a page that shows it (a preview, the form again; a 404 first, as always): a
      // save goes straight to the verb, which reads it anyway and answers 404 alike.
      const shown = () => readPost(deps, page.creator.id, postId)
      if (form.intent === 'preview')
        return render(c, page, { post: await shown(), state: formState(form), preview: true })
      const parsed = updatePostSchema.safeParse(readPostForm(form))
      if (!parsed.success) {
        const post = await shown()
        return render(
          c,
          page,
          {
            post,
            state: formState(
              form,
              schemaErrors(parsed.error, postFieldOf, {}, editorMessagesFor(page.creator.locale)),
            ),
          },
          422,
        )
      }
      try {
        const post = await updatePost(deps, page.creator, postId, parsed.data, creatorActor(page))
        return c.redirect(`${postPath(post.id)}?saved=1`, 303)
      } catch (error) {
        const refused = verbErrors(error, postFieldOf, editorMessagesFor(page.creator.locale))
        return render(
          c,
          page,
          { post: await shown(), state: formState(form, refused.errors) },
          refused.status,
        )
      }
    })
    .post(`${listPath}/:id/status`, async (c) => {
      const posted = await editorForm(deps, c)
      if (!posted) return toSignIn(c, listPath)
      const { page, form } = posted
      const input = updatePostSchema.parse({ status: form.status === 'live' ? 'live' : 'draft' })
      const post = await updatePost(deps, page.creator, c.req.param('id'), input, creatorActor(page))
      return c.redirect(postPath(post.id), 303)
    })
    .post(`${listPath}/:id/archive`, async (c) => {
      const posted = await editorForm(deps, c)
      if (!posted) return toSignIn(c, listPath)
      const { page } = posted
      await archivePost(deps, page.creator, c.req.param('id'), creatorActor(page))
      return c.redirect(listPath, 303)
    })
}
