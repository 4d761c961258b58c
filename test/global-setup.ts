/**
 * One temp folder for the whole run's test databases, removed when the run ends. Test processes are forked after
 * this runs, so they inherit QUANZI_TEST_TMP.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export default function setup() {
  const root = mkdtempSync(join(tmpdir(), 'quanzi-test-'))
  process.env.QUANZI_TEST_TMP = root
  return () => rmSync(root, { recursive: true, force: true })
}
