/** Per test file: stops the D1 runtimes `QUANZI_TEST_DB=d1` started (test/d1.ts). Nothing otherwise. */
import { afterAll } from 'vitest'
import { disposeD1Pool, testingOnD1 } from './d1'

if (testingOnD1) afterAll(disposeD1Pool)
