package pagos

import (
	"errors"
	"fmt"
)

// The sentinels every provider shares. Each provider package re-exports them
// with the same values (toku.ErrNotFound == pagos.ErrNotFound ==
// conekta.ErrNotFound), and every provider's *Error matches the one for its
// HTTP status, so errors.Is(err, pagos.ErrNotFound) holds for a 404 from any
// provider, and so does errors.Is(tokuErr, conekta.ErrNotFound).
var (
	// ErrUnauthorized: the provider refused the credentials (HTTP 401).
	ErrUnauthorized = errors.New("pagos: unauthorized")
	// ErrForbidden: the credentials lack permission (HTTP 403).
	ErrForbidden = errors.New("pagos: forbidden")
	// ErrNotFound: the resource does not exist (HTTP 404).
	ErrNotFound = errors.New("pagos: not found")
	// ErrInvalidRequest: the request was refused as invalid, by the provider
	// (HTTP 400, 409, 422) or by pagos before anything was sent (a
	// *ParamError).
	ErrInvalidRequest = errors.New("pagos: invalid request")
	// ErrRateLimited: too many requests (HTTP 429) and retries ran out.
	ErrRateLimited = errors.New("pagos: rate limited")
	// ErrServer: the provider failed (HTTP 5xx) and retries, where allowed, ran out.
	ErrServer = errors.New("pagos: provider server error")
	// ErrOutcomeUnknown: a write (POST or PATCH) may have reached the
	// provider but no answer says whether it took effect. pagos does not
	// retry it, because a repeat could create a second customer, order or
	// charge. Look the object up (by your own reference) before retrying.
	// A write the provider makes safe to repeat (Tpaga's single-use
	// reference) was retried until retries ran out: repeat it with what
	// OutcomeUnknownError.Sent names.
	ErrOutcomeUnknown = errors.New("pagos: outcome unknown")
)

// OutcomeUnknownError reports a write whose effect is unknown: the request
// may have reached the provider, and it either answered with a server error
// or the connection failed before an answer arrived. It matches
// ErrOutcomeUnknown, and unwraps to the provider's *Error or the transport
// error.
type OutcomeUnknownError struct {
	Provider string // "toku", "conekta", ...
	Method   string // "POST" or "PATCH"
	Path     string // request path without query string
	// Sent names what identifies the write at the provider, when there is
	// one: an idempotency key or token that was sent with it. Use it to look
	// the object up before deciding to retry.
	Sent string
	Err  error // the provider *Error or the transport error
}

// Error says what was sent, that its outcome is unknown, and why.
func (e *OutcomeUnknownError) Error() string {
	msg := fmt.Sprintf("%s: %s %s: outcome unknown, the request may have taken effect; look it up before retrying", e.Provider, e.Method, e.Path)
	if e.Sent != "" {
		msg += " (sent " + e.Sent + ")"
	}
	return msg + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// Is reports whether target is ErrOutcomeUnknown.
func (e *OutcomeUnknownError) Is(target error) bool { return target == ErrOutcomeUnknown }

// ParamError reports request parameters refused before anything was sent.
// It matches ErrInvalidRequest and names the field to fix.
type ParamError struct {
	Provider string // "toku", ...
	Field    string // the Go field at fault, such as "CustomerParams.GovernmentID"
	Reason   string // what is wrong and how to fix it
}

// Error names the field and what to fix.
func (e *ParamError) Error() string {
	if e.Field == "" {
		return e.Provider + ": " + e.Reason
	}
	return e.Provider + ": " + e.Field + ": " + e.Reason
}

// Is reports whether target is ErrInvalidRequest.
func (e *ParamError) Is(target error) bool { return target == ErrInvalidRequest }

// ResponseTooLargeError reports a response body over the client's size cap
// (4 MiB): pagos stops reading rather than hold an unbounded answer.
type ResponseTooLargeError struct {
	Limit int64 // the cap, in bytes
}

// Error names the limit.
func (e *ResponseTooLargeError) Error() string {
	return fmt.Sprintf("response body exceeds the %d-byte limit", e.Limit)
}
