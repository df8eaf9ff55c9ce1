// Package testutil holds helpers for pagos's own tests: JSON comparison with
// go-cmp diffs, a log collector for checking what reaches a log line, and one
// shared RSA key for signing webhooks.
package testutil
