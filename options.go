package pagos

import "net/http"

// RequestOption is a per-call setting, passed last to any service method of
// any provider client. Build one with the provider package's functions
// (toku.WithHeader, conekta.WithIdempotencyKey, toku.WithAccountKey); each
// provider package re-exports the type under the same name.
type RequestOption func(*CallOptions) error

// CallOptions is what the RequestOptions of one call set. The provider
// packages' options fill it in and the client reads it; the client checks
// it again before sending, so a credential header set here is refused.
type CallOptions struct {
	// Header holds extra request headers.
	Header http.Header
	// IdempotencyKey is sent in the provider's idempotency header, for the
	// providers that define one.
	IdempotencyKey string
}

// SetHeader sets a header on the call. Provider packages use it for headers
// they own (Toku's x-account-key); use the provider's WithHeader, which
// refuses the headers a caller must not set.
func (o *CallOptions) SetHeader(name, value string) {
	if o.Header == nil {
		o.Header = http.Header{}
	}
	o.Header.Set(name, value)
}
