package httpcore

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"
)

// checkRetry is go-retryablehttp's CheckRetry. It decides, by the rule in
// ARCHITECTURE.md (the retry rule), and records the wait before the next attempt.
//
//   - GET, PUT and DELETE (and Repeatable writes) are retried on transport
//     errors, 408, 429, 500, 502, 503 and 504.
//   - POST and PATCH are retried only on 429 and on failures before the
//     request could be written (DNS, dial, refused connection, proxy,
//     TLS handshake): in both cases the provider never acted on it.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st := stateOf(ctx)
	if st == nil {
		return false, err
	}
	// Noted before the context check: an attempt the context cut short may
	// still have reached the provider.
	st.note(resp, err)
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	retry := false
	if err != nil {
		retry = !permanent(err) && (st.idempotent() || unsent(err))
	} else {
		switch resp.StatusCode {
		case http.StatusTooManyRequests:
			retry = true
		case http.StatusRequestTimeout, http.StatusInternalServerError, http.StatusBadGateway,
			http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			retry = st.idempotent()
		}
	}
	if retry {
		st.wait = c.backoff(st.attempt, resp)
	}
	return retry, nil
}

// unsent reports whether a transport error happened before the request
// could be written: resolving the host, dialling it (a refused connection
// among others), a proxy CONNECT, or the TLS handshake. The provider cannot
// have acted on such a request. Anything else (a timeout, a reset, an EOF)
// may have come after the request was written, and is not listed.
func unsent(err error) bool {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var recErr tls.RecordHeaderError
	var alertErr tls.AlertError
	var ns *notSentError
	switch {
	case errors.As(err, &ns), errors.As(err, &dnsErr), errors.As(err, &recErr), errors.As(err, &alertErr), permanent(err):
		return true
	case errors.As(err, &opErr):
		return opErr.Op == "dial" || opErr.Op == "proxyconnect"
	}
	return false
}

// permanent reports transport errors that a retry cannot fix.
func permanent(err error) bool {
	var certErr *tls.CertificateVerificationError
	var authErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	return errors.As(err, &certErr) || errors.As(err, &authErr) || errors.As(err, &hostErr) ||
		errors.Is(err, http.ErrSchemeMismatch) // https to a plain-HTTP server: fix the base URL
}

// backoff returns the wait after attempt n (1-based): exponential with full
// jitter, capped at waitMax; a Retry-After header is honoured, capped too.
func (c *Client) backoff(n int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(d, c.waitMax)
		}
	}
	ceiling := c.waitMax
	if n < 1 {
		n = 1
	}
	if n < 30 {
		if d := c.waitMin << (n - 1); d > 0 && d < ceiling {
			ceiling = d
		}
	}
	return time.Duration(c.jitter(int64(ceiling) + 1))
}

// retryAfter parses a Retry-After value: delay seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s < 0 {
			return 0, false
		}
		if s > int64(24*time.Hour/time.Second) {
			s = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// prepareRetry is go-retryablehttp's PrepareRetry: it takes the wait that
// checkRetry recorded, and stops at once if the context ends.
func (c *Client) prepareRetry(req *http.Request) error {
	st := stateOf(req.Context())
	if st == nil {
		return nil
	}
	c.log.LogAttrs(req.Context(), slog.LevelDebug, "pagos retrying", slog.String("provider", c.p.Name),
		slog.String("method", req.Method), slog.String("path", req.URL.Path),
		slog.Int("after_attempt", st.attempt), slog.Duration("wait", st.wait))
	return c.sleep(req.Context(), st.wait)
}

func randInt63n(n int64) int64 {
	if n <= 0 {
		return 0
	}
	return rand.Int64N(n)
}
