// Package e2e holds end-to-end tests that drive the real herald binary in a
// real browser.
//
// The tests build ./cmd/herald, start it with "herald serve --demo" on a free
// loopback port, choose pages through the JSON API, and open them in headless
// Chromium with chromedp. They check what a reader sees: the headline, the
// attribution to the source, the body that the source's licence allows, and a
// page that logs no errors and asks no host but Herald's for anything.
//
// Chromium comes from Debian's package chromium. Without it the tests skip,
// unless HERALD_REQUIRE_BROWSER=1, as CI sets it. When HERALD_SCREENSHOTS
// names a folder, the tests write their screenshots there. HERALD_E2E_BIN
// names a herald binary to drive instead of building one. HERALD_AXE names
// axe-core's axe.min.js, which the desk test injects into every page it
// visits (by default the one "npm install --prefix ~/.cache/herald-axe
// axe-core@4" puts in the user's cache).
package e2e
