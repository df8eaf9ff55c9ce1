// Package archtest holds the test that enforces the import rules
// ARCHITECTURE.md states: providers never import webhook, nothing imports
// examples, only internal/httpcore imports go-retryablehttp, only fygaro and
// webhook import golang-jwt, and no library package imports a database
// driver. It has no code a program would import.
package archtest
