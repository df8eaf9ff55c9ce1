package webhook

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/pagos-go/pagos/toku"
)

// TokuSignatureHeader is the header Toku signs deliveries with:
// "t=<unix seconds>,s=<hex HMAC-SHA256>".
const TokuSignatureHeader = "Toku-Signature"

// VerifyToku checks a Toku delivery and returns its event. payload is the raw
// request body, exactly as received; header is the Toku-Signature value;
// secret is the endpoint's "whesec_…" secret.
//
// Toku's docs say the HMAC-SHA256 covers the timestamp and the event id;
// third-party code signs the timestamp and the raw body instead. VerifyToku
// accepts an s= over either "t.<event id>" or "t.<raw body>" (both need the
// secret, so accepting either weakens nothing) and records which matched in
// Event.Signed. Any of several s= values may match (secret rotation). The
// timestamp must lie within the tolerance of now, in both directions.
//
// Options: WithTolerance, WithClock.
func VerifyToku(payload []byte, header, secret string, opts ...TokuVerifyOption) (*toku.Event, error) {
	clk := newClock()
	if err := configure(opts, func(o TokuVerifyOption) error { return o.applyTokuVerify(&clk) }); err != nil {
		return nil, err
	}
	if err := checkSecret("VerifyToku", secret); err != nil {
		return nil, err
	}
	return verifyToku(&clk, payload, header, []byte(secret))
}

func verifyToku(clk *clock, payload []byte, header string, key []byte) (*toku.Event, error) {
	ts, sigs, err := parseSignedHeader(header, "s")
	if err != nil {
		return nil, err
	}
	ev, perr := toku.ParseEvent(payload)
	var signed toku.Signed
	switch {
	case perr == nil && anyMAC(key, sigs, ts, []byte(ev.ID)):
		signed = toku.SignedEventID
	case anyMAC(key, sigs, ts, payload):
		signed = toku.SignedBody
	default:
		return nil, ErrSignatureMismatch
	}
	if err := checkTimestamp(ts, clk.now(), clk.tolerance); err != nil {
		return nil, err
	}
	if perr != nil {
		// Authentic, but without a readable id and type it cannot be processed.
		return nil, fmt.Errorf("%w: %v", ErrMalformedPayload, perr)
	}
	ev.Signed = signed
	return ev, nil
}

// SignToku returns a Toku-Signature header value for payload signed at t, as
// Toku would send it: over the event id (toku.SignedEventID, what Toku
// documents) or over the raw body (toku.SignedBody). For tests and fakes.
func SignToku(payload []byte, secret string, t time.Time, what toku.Signed) (string, error) {
	if err := checkSecret("SignToku", secret); err != nil {
		return "", err
	}
	ts := strconv.FormatInt(t.Unix(), 10)
	var msg []byte
	switch what {
	case toku.SignedEventID:
		ev, err := toku.ParseEvent(payload)
		if err != nil {
			return "", err
		}
		msg = []byte(ev.ID)
	case toku.SignedBody:
		msg = payload
	default:
		return "", errors.New("webhook: SignToku: sign toku.SignedEventID or toku.SignedBody")
	}
	return "t=" + ts + ",s=" + hex.EncodeToString(signHMAC([]byte(secret), ts, msg)), nil
}

// TokuHandlerFunc is user code for Toku events. Return nil only once the
// event is safely recorded: nil acknowledges it (200), and Toku will not send
// it again; an error answers 500 so Toku retries.
type TokuHandlerFunc func(ctx context.Context, e *toku.Event) error

// NewTokuHandler returns an http.Handler for Toku webhooks. It accepts POST
// only, verifies the Toku-Signature with secret (401 when it fails), decodes
// the event envelope (400 when unreadable), processes each event id once
// (duplicates get 200 without calling fn), and calls fn under a timeout.
//
// Options: WithStore, WithNamespace, WithMaxBodyBytes, WithTimeout,
// WithLease, WithBusyWait, WithLogger, WithClock, WithTolerance,
// WithTokuConfirmation.
func NewTokuHandler(secret string, fn TokuHandlerFunc, opts ...TokuOption) (http.Handler, error) {
	c := &tokuConfig{engineConfig: newEngineConfig("toku"), clock: newClock()}
	if err := configure(opts, func(o TokuOption) error { return o.applyToku(c) }); err != nil {
		return nil, err
	}
	if err := c.finish(); err != nil {
		return nil, err
	}
	if err := checkSecret("NewTokuHandler", secret); err != nil {
		return nil, err
	}
	if fn == nil {
		return nil, errors.New("webhook: NewTokuHandler: the handler func is nil")
	}
	key := []byte(secret)
	e := &engine{engineConfig: &c.engineConfig}
	// A replay (ReplayToku) is the transaction.success event rebuilt from
	// the API, keyed by its transaction: Toku's API gives no event ids.
	e.tokuEvent = func(ev *toku.Event) *delivery {
		k, _ := tokuTransactionKey(ev)
		return &delivery{key: k, run: func(ctx context.Context) error { return fn(ctx, ev) }}
	}
	e.accept = func(body []byte, h http.Header) (*delivery, error) {
		ev, err := verifyToku(&c.clock, body, h.Get(TokuSignatureHeader), key)
		if err != nil {
			return nil, err
		}
		return &delivery{key: ev.ID, run: func(ctx context.Context) error {
			if c.confirm != nil {
				if err := confirmToku(ctx, c.confirm, ev); err != nil {
					return err
				}
			}
			// An authenticated transaction.success also holds its
			// transaction's key, the one a replay uses, so that a live
			// delivery and a replay of one payment never both run fn.
			if k, ok := tokuTransactionKey(ev); ok {
				return e.exclusive(ctx, k, func(ctx context.Context) error { return fn(ctx, ev) })
			}
			return fn(ctx, ev)
		}}, nil
	}
	return e, nil
}

// tokuTransactionKey is the dedupe key of the payment a transaction.success
// event reports, shared by live deliveries and ReplayToku: the type and the
// transaction id, taken only from what is authenticated (the API's
// transaction of a confirmed or replayed event, or a body whose signature
// covered it). ok is false for other events and unauthenticated bodies.
func tokuTransactionKey(ev *toku.Event) (string, bool) {
	if ev.Type != toku.EventTransactionSuccess {
		return "", false
	}
	id := ""
	switch {
	case ev.Confirmed && ev.ConfirmedTransaction != nil:
		id = ev.ConfirmedTransaction.ID
	case ev.Signed == toku.SignedBody:
		if t, err := ev.Transaction(); err == nil {
			id = t.ID
		}
	}
	if id == "" {
		return "", false
	}
	return string(toku.EventTransactionSuccess) + "/" + id, true
}

// WithTokuConfirmation makes the Toku handler confirm payments through the
// API before user code runs, when the delivery's signature covered only the
// event id (toku.SignedEventID): then nothing else in the body is
// authenticated, its type included. It calls (*toku.Client).ConfirmEvent,
// which compares every field user code may act on (amount, currency,
// invoice, customer, transaction or intent id, status) with what the API
// returns, and records the API's own objects in Event.ConfirmedInvoices and
// Event.ConfirmedTransaction.
//
// A confirmed event has Event.Confirmed set. An event the API does not bear
// out (a field differs, an invoice is unpaid or unknown, the transaction is
// not listed: toku.ErrNotConfirmed) is refused: user code does not run, the
// handler answers 500 and releases the event id, so a forged body replayed
// under a captured signature never reaches user code and the honest
// delivery of the same id is still processed when Toku sends or retries it.
// The API being unreachable also answers 500, and Toku retries later. Events
// of types the API cannot confirm reach user code unconfirmed: act on money
// only when Event.Authenticated() is true. Confirmation proves the payment
// exists at Toku, not that this delivery is new, so record payments
// idempotently by invoice or transaction id.
func WithTokuConfirmation(client *toku.Client) TokuOption {
	return tokuOption(func(c *tokuConfig) error {
		if client == nil {
			return errors.New("WithTokuConfirmation: the client is nil")
		}
		c.confirm = client
		return nil
	})
}

// confirmToku runs the confirmation WithTokuConfirmation asks for: an event
// signed over its id only is checked through the API, and one the API does
// not bear out never reaches user code.
func confirmToku(ctx context.Context, c *toku.Client, ev *toku.Event) error {
	if ev.Signed != toku.SignedEventID {
		return nil
	}
	_, err := c.ConfirmEvent(ctx, ev)
	if errors.Is(err, toku.ErrUnconfirmable) {
		return nil // delivered with Authenticated() false
	}
	return err
}
