// Package testutil holds helpers for pagos's own tests: JSON comparison with
// go-cmp diffs, a log collector for checking what reaches a log line, one
// shared RSA key for signing webhooks, and the small test servers and
// generic checks the provider packages' tests share (Counting, BodyRecorder,
// Must, DecodesTo). Checks that need the root package's error types live in
// providertest, since the root package's own tests import this package.
package testutil
