// Package fake holds the plumbing the provider fakes (tokutest, conektatest,
// fygarotest, tpagatest) share: deterministic ids, JSON answers, and webhook
// delivery with retries and the waits between them (the fakes wait with internal/wait).
package fake
