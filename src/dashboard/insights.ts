/**
 * The creator's insight pages in one app for app.ts to mount: members and the access explainer, groups to
 * remove, revenue, bookings. Each is server-rendered inside the dashboard shell and works without JavaScript.
 */
import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import type { Deps } from '../deps'
import { bookingInsightPages } from './insights-bookings'
import { memberInsightPages } from './insights-members'
import { revenueInsightPages } from './insights-revenue'

export function insightPages(deps: Deps) {
  return new Hono<AppEnv>()
    .route('/', memberInsightPages(deps))
    .route('/', revenueInsightPages(deps))
    .route('/', bookingInsightPages(deps))
}
