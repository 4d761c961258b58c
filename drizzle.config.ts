import { defineConfig } from 'drizzle-kit'

// Generates the SQL under migrations/ from src/db/schema.ts. The same files are applied by
// src/db/migrate.ts (libSQL file, Turso) and by `wrangler d1 migrations apply` (D1).
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema.ts',
  out: './migrations',
})
