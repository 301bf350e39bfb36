// `npm test` reads the same on every machine: the providers `npm run verify` builds into
// .verify-cache are asked by the plan CLI and by `npm run verify`, never by the tests (which run
// before verify in CI, and would otherwise answer differently once a developer has run it).
// Set LAKEHOUSE_VERIFY_PROVIDERS=on to run the tests with them anyway.
if (process.env.LAKEHOUSE_VERIFY_PROVIDERS === undefined) process.env.LAKEHOUSE_VERIFY_PROVIDERS = "off";
