/**
 * "Gives access at this instant", as SQL over an `entitlements` row: active or in grace, already started (a
 * second pass starts where the first ends) and not yet ended. The state column alone is not enough: a pass
 * past its end stays `active` until something lapses it, and access rules already treat it as ended.
 */
import { sql } from 'drizzle-orm'

/** `alias` names the entitlements row in the surrounding query (`e` in `from entitlements e`). */
export function givesAccessAt(now: number, alias = 'entitlements') {
  const e = sql.identifier(alias)
  return sql`(${e}.state in ('active', 'grace') and ${e}.starts_at <= ${now}
    and (${e}.ends_at is null or ${e}.ends_at > ${now}))`
}
