/**
 * The one email normalisation: trimmed and lower-cased. Buyers created by a paid order, members filtered by the
 * creator and (later) sign-ins must all agree, or one person becomes two accounts.
 */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase()
}
