package httpcore

import (
	"fmt"
	"net/http"
	"strings"
)

// guard is the round-tripper every pipeline wraps around the transport. It
// sees each attempt and does two things net/http cannot be told to do:
//
//   - An attempt that cannot be sent (its context is already done, or a
//     header net/http would refuse) never reaches the transport, and its
//     error says so (notSentError), so it is never reported as an outcome
//     unknown.
//   - A write (POST, PATCH, an Unrepeatable PUT or DELETE) reaches the
//     transport without GetBody and without a header name net/http reads as
//     "idempotent", so the transport never re-sends it by itself on a dead
//     keep-alive connection. The pipeline alone decides retries.
type guard struct{ next http.RoundTripper }

// RoundTrip sends one attempt through the wrapped transport.
func (g guard) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if err := ctx.Err(); err != nil {
		closeBody(req)
		return nil, &notSentError{err: err}
	}
	if err := checkHeaderFields(req.Header); err != nil {
		closeBody(req)
		return nil, &notSentError{err: err}
	}
	st := stateOf(ctx)
	if (st != nil && st.write()) || (st == nil && req.Method != http.MethodGet && req.Method != http.MethodHead) {
		// net/http (Request.isReplayable) replays a request with a body only
		// when GetBody is set, and any request whose header map has the
		// canonical key "Idempotency-Key" or "X-Idempotency-Key". The copy
		// hides both; header names are case-insensitive on the wire.
		w := req.WithContext(ctx) // shallow copy: the caller's request is not changed
		w.GetBody = nil
		cloned := false
		for _, k := range []string{"Idempotency-Key", "X-Idempotency-Key"} {
			if v, ok := w.Header[k]; ok {
				if !cloned {
					w.Header, cloned = req.Header.Clone(), true
				}
				delete(w.Header, k)
				w.Header[strings.ToLower(k)] = v
			}
		}
		req = w
	}
	return g.next.RoundTrip(req)
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

// notSentError is an attempt that was refused before anything was handed
// to the transport: the provider cannot have seen it.
type notSentError struct{ err error }

func (e *notSentError) Error() string { return e.err.Error() + " (nothing was sent)" }
func (e *notSentError) Unwrap() error { return e.err }

// checkHeaderFields refuses what net/http would refuse before sending: a
// header name that is not an RFC 9110 token, or a value with a control
// character other than tab.
func checkHeaderFields(h http.Header) error {
	for k, vs := range h {
		if !validHeaderName(k) {
			return fmt.Errorf("header name %q is not a valid HTTP token", k)
		}
		for _, v := range vs {
			if !validHeaderValue(v) {
				return fmt.Errorf("header %s has a control character in its value", k)
			}
		}
	}
	return nil
}

func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// refusedHeader says why WithHeader never sets name (canonical form), or
// "" when it may: net/http manages the framing headers itself (and ignores
// or mangles a caller's), the pipeline owns Content-Type, and the rest carry
// credentials, which belong on the client.
func refusedHeader(name string) string {
	switch name {
	case "Host":
		return "net/http sets it from the base URL"
	case "Content-Length":
		return "net/http computes it from the body"
	case "Transfer-Encoding":
		return "net/http frames the body itself"
	case "Connection", "Keep-Alive", "Proxy-Connection", "Te", "Trailer", "Upgrade":
		return "it is a hop-by-hop header net/http manages"
	case "Content-Type":
		return "pagos always sends JSON bodies"
	case "Authorization", "X-Api-Key", "Cookie":
		return "it carries credentials; configure them on the client"
	case "Proxy-Authorization":
		return "it carries credentials; configure the proxy on your *http.Client"
	case "X-Account-Key":
		return "it carries credentials; use WithAccountKey or WithDefaultAccountKey (Toku)"
	}
	return ""
}
