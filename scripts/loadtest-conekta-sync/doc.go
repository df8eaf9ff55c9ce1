// Command loadtest-conekta-sync serves conektasync.NewHandler and the
// net/http baseline that does only the irreducible work (RSA-verify the
// Digest, decode, encode the same answer), both on loopback, for
// scripts/loadtest-conekta-sync.sh to load with wrk. It writes n signed
// inbound_payment.lookup requests with distinct event ids to -bodies, one
// "digest<TAB>body" per line, prints "ready sdk=ADDR baseline=ADDR" and
// serves until interrupted. It is not part of CI.
package main
