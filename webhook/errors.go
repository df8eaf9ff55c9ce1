package webhook

import "errors"

// Verification errors, matched with errors.Is. A handler answers 401 for all
// of them except ErrMalformedPayload, which gets 400.
var (
	// ErrNoSignature: the request carries no signature header.
	ErrNoSignature = errors.New("webhook: no signature header")
	// ErrInvalidHeader: the signature header cannot be parsed.
	ErrInvalidHeader = errors.New("webhook: malformed signature header")
	// ErrSignatureMismatch: no signature matches the payload and secret.
	ErrSignatureMismatch = errors.New("webhook: signature mismatch")
	// ErrTooOld: the signed timestamp is older than the tolerance.
	ErrTooOld = errors.New("webhook: timestamp too old")
	// ErrTooNew: the signed timestamp is further in the future than the tolerance.
	ErrTooNew = errors.New("webhook: timestamp too far in the future")
	// ErrUnauthorized: credentials other than a signature (Tpaga's agreed
	// Authorization value, Conekta's Basic credentials) are missing or wrong.
	// It is deliberately not pagos.ErrUnauthorized: that one means a provider
	// refused your API key, this one that a request to you failed to prove
	// where it came from.
	ErrUnauthorized = errors.New("webhook: unauthorized")
	// ErrMalformedPayload: the request is authentic but its event id, type or
	// dedupe key cannot be read.
	ErrMalformedPayload = errors.New("webhook: malformed payload")
	// ErrNotOwner: a Store was asked to complete or release a claim that is
	// no longer the caller's (its lease ran out and another delivery took it).
	ErrNotOwner = errors.New("webhook: claim not owned")
)
