/**
 * The creator's editors, server-rendered and usable without JavaScript: offers (with a course's lessons and a
 * consultation's slots), posts and settings. One app for app.ts to mount beside the dashboard overview.
 */
import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import type { Deps } from '../deps'
import { lessonPages } from './lessons-pages'
import { offerPages } from './offers-pages'
import { postPages } from './posts-pages'
import { settingsPage } from './settings-page'
import { slotPages } from './slots-pages'

export function editorPages(deps: Deps) {
  return new Hono<AppEnv>()
    .route('/', offerPages(deps))
    .route('/', lessonPages(deps))
    .route('/', slotPages(deps))
    .route('/', postPages(deps))
    .route('/', settingsPage(deps))
}
