// A module that is anything and does nothing: scripts/bundle-floor.ts substitutes it for a package to weigh the
// Worker bundle without that package. Never shipped, never run.
const anything = new Proxy(() => {}, {
  get: () => anything,
  apply: () => anything,
  construct: () => anything,
})
module.exports = anything
