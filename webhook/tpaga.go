package webhook

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/pagos-go/pagos/tpaga"
)

// VerifyTpaga checks a Tpaga deposit notification and returns it. payload
// is the raw request body; authorization is the value of the header you
// agreed with Tpaga as received (usually r.Header.Get("Authorization"));
// expected is the value agreed, such as "Basic 1234567890".
//
// Tpaga signs nothing, so this is all there is to check: the value is
// compared in constant time (its length included), and an empty expected
// value is refused. Authenticity rests on that shared value staying secret
// and on TLS; nothing dates a notification, so a recorded one can be
// replayed, and only a handler's dedupe store stops it (see NewTpagaHandler).
//
// Options: WithTpagaPreviousAuthorization.
func VerifyTpaga(payload []byte, authorization, expected string, opts ...TpagaVerifyOption) (*tpaga.Notification, error) {
	var c tpagaVerifyConfig
	if err := configure(opts, func(o TpagaVerifyOption) error { return o.applyTpagaVerify(&c) }); err != nil {
		return nil, err
	}
	if err := checkSecret("VerifyTpaga", expected); err != nil {
		return nil, err
	}
	return verifyTpaga(payload, authorization, c.accepted(expected))
}

// accepted returns the digests of every value accepted: the agreed one
// and any previous ones. Comparing digests keeps the comparison's time
// independent of the values' lengths.
func (c *tpagaVerifyConfig) accepted(expected string) [][sha256.Size]byte {
	return append([][sha256.Size]byte{sha256.Sum256([]byte(expected))}, c.previous...)
}

func verifyTpaga(payload []byte, got string, accepted [][sha256.Size]byte) (*tpaga.Notification, error) {
	if got == "" {
		return nil, fmt.Errorf("%w: the agreed header is missing", ErrUnauthorized)
	}
	d := sha256.Sum256([]byte(got))
	ok := 0
	for _, a := range accepted { // every one, so the time does not tell which matched
		ok |= subtle.ConstantTimeCompare(d[:], a[:])
	}
	if ok != 1 {
		return nil, fmt.Errorf("%w: the header does not carry the agreed value", ErrUnauthorized)
	}
	n, err := tpaga.ParseNotification(payload)
	if err != nil {
		// Authentic, but without a reference, order id and amount it cannot
		// be processed; Tpaga retries it until a fixed handler takes it.
		return nil, fmt.Errorf("%w: %v", ErrMalformedPayload, err)
	}
	return n, nil
}

// TpagaHandlerFunc is user code for Tpaga deposit notifications. Return nil
// only once the deposit is safely credited: nil answers 200, and Tpaga will
// not send it again; an error answers 500 so Tpaga retries.
type TpagaHandlerFunc func(ctx context.Context, n *tpaga.Notification) error

// NewTpagaHandler returns an http.Handler for Tpaga's deposit notifications.
// authorization is the header value you agreed with Tpaga, such as
// "Basic 1234567890"; an empty one is refused.
//
// It accepts POST only, compares the Authorization header (or the one
// WithTpagaHeader names) with the agreed value in constant time (401 when it
// differs), decodes the notification (400 when an authentic body lacks a
// reference, an efecty_order_id or a whole-peso amount), processes each
// deposit once, and calls fn under a timeout. Tpaga retries until it gets
// 200, which the handler answers only after fn returned nil; a duplicate of
// a processed deposit gets 200 without calling fn.
//
// A deposit is identified by its efecty_order_id together with its
// reference, never by idempotency_token alone: what Tpaga sends there for a
// permanent reference, paid many times, is not documented.
//
// Tpaga signs nothing. Authenticity rests on the agreed value staying secret
// and on TLS (serve the handler over https only), and nothing in a
// notification dates it: the dedupe store is the only defence against a
// replayed notification. The default MemoryStore forgets on restart and is
// not shared between replicas, so either reopens replay of old
// notifications; use a shared store (WithStore with webhook/pgstore) in
// production. Tpaga does not publish the addresses it posts from; if it
// gives you them, allow only those in front of the handler (see the
// example).
//
// Options: WithStore, WithNamespace, WithMaxBodyBytes, WithTimeout,
// WithLease, WithBusyWait, WithLogger, WithTpagaHeader,
// WithTpagaPreviousAuthorization.
func NewTpagaHandler(authorization string, fn TpagaHandlerFunc, opts ...TpagaOption) (http.Handler, error) {
	c := &tpagaConfig{engineConfig: newEngineConfig("tpaga")}
	if err := configure(opts, func(o TpagaOption) error { return o.applyTpaga(c) }); err != nil {
		return nil, err
	}
	if err := c.finish(); err != nil {
		return nil, err
	}
	if err := checkSecret("NewTpagaHandler", authorization); err != nil {
		return nil, err
	}
	if fn == nil {
		return nil, errors.New("webhook: NewTpagaHandler: the handler func is nil")
	}
	header := c.header
	if header == "" {
		header = "Authorization"
	}
	accepted := c.accepted(authorization)
	deliver := func(n *tpaga.Notification) *delivery {
		return &delivery{key: tpagaKey(n), run: func(ctx context.Context) error { return fn(ctx, n) }}
	}
	return &engine{engineConfig: &c.engineConfig, tpagaDeposit: deliver, accept: func(body []byte, h http.Header) (*delivery, error) {
		n, err := verifyTpaga(body, h.Get(header), accepted)
		if err != nil {
			return nil, err
		}
		return deliver(n), nil
	}}, nil
}

// tpagaKey is a deposit's dedupe key: its efecty_order_id with its
// reference, the reference's length first so that no two deposits share a
// key whatever characters they hold ("12:575657589293/999777555").
func tpagaKey(n *tpaga.Notification) string {
	return strconv.Itoa(len(n.Reference)) + ":" + n.Reference + "/" + n.EfectyOrderID
}

// WithTpagaHeader names the header that carries the agreed value, when the
// headers you agreed with Tpaga put it somewhere other than Authorization.
func WithTpagaHeader(name string) TpagaOption {
	return tpagaOption(func(c *tpagaConfig) error {
		if name == "" || strings.ContainsAny(name, " :\r\n\t") {
			return fmt.Errorf("WithTpagaHeader: %q is not a header name such as \"X-Tpaga-Token\"", truncate(name))
		}
		c.header = http.CanonicalHeaderKey(name)
		return nil
	})
}

// WithTpagaPreviousAuthorization also accepts value, the header value agreed
// before, while Tpaga switches to a new one. Give it once per value still
// accepted, and remove it when the change is done.
func WithTpagaPreviousAuthorization(value string) TpagaVerifyOption {
	return tpagaVerifyOption(func(c *tpagaVerifyConfig) error {
		if value == "" || strings.TrimSpace(value) != value {
			return errors.New("WithTpagaPreviousAuthorization: the value is empty or has surrounding whitespace; copy it exactly as agreed")
		}
		c.previous = append(c.previous, sha256.Sum256([]byte(value)))
		return nil
	})
}
