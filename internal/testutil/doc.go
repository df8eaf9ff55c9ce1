// Package testutil holds helpers for pagos's own tests: JSON comparison with
// go-cmp diffs and a log collector for checking what reaches a log line.
package testutil
