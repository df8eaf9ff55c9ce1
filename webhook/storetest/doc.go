// Package storetest checks that a webhook.Store keeps the dedupe contract.
// The in-memory store and webhook/pgstore run it; run it against your own
// Store implementation too:
//
//	func TestMyStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) webhook.Store { return newMyStore(t) })
//	}
//
// A store that implements webhook.StateReader (optional) has its State
// checked against what Claim would answer; otherwise that check is skipped.
//
// Lease expiry is checked with real time: leases of ShortLease, waits just
// past them.
package storetest
