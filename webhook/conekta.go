package webhook

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"

	"github.com/pagos-go/pagos/conekta"
)

// ConektaDigestHeader is the header Conekta signs deliveries with: the
// base64 RSASSA-PKCS1-v1_5 SHA-256 signature of the raw body, made with the
// private half of one of your webhook keys.
const ConektaDigestHeader = "Digest"

// VerifyConekta checks a Conekta delivery and returns its event. payload is
// the raw request body, exactly as received; digest is the Digest header;
// keys are the public keys of your active webhook keys (see
// conekta.ActivePublicKeys and conekta.ParsePublicKey). A signature by any
// of them is accepted, so keys can be rotated.
//
// Conekta signs no timestamp, so an old delivery verifies as well as a new
// one: a handler's dedupe memory is what refuses replays.
func VerifyConekta(payload []byte, digest string, keys []*rsa.PublicKey) (*conekta.Event, error) {
	if err := checkConektaKeys("VerifyConekta", keys); err != nil {
		return nil, err
	}
	return verifyConekta(payload, digest, keys)
}

func verifyConekta(payload []byte, digest string, keys []*rsa.PublicKey) (*conekta.Event, error) {
	if err := checkDigest(payload, digest, keys); err != nil {
		return nil, err
	}
	ev, err := conekta.ParseEvent(payload)
	if err != nil {
		// Authentic, but without a readable id and type it cannot be processed.
		return nil, fmt.Errorf("%w: %v", ErrMalformedPayload, err)
	}
	return ev, nil
}

// checkDigest verifies the Digest header against any of keys.
func checkDigest(payload []byte, digest string, keys []*rsa.PublicKey) error {
	if digest == "" {
		return ErrNoSignature
	}
	sig, err := base64.StdEncoding.DecodeString(digest)
	if err != nil {
		return fmt.Errorf("%w: Digest is not base64", ErrInvalidHeader)
	}
	sum := sha256.Sum256(payload)
	for _, k := range keys {
		if len(sig) == k.Size() && rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], sig) == nil {
			return nil
		}
	}
	return ErrSignatureMismatch
}

// checkConektaKeys refuses an empty key list, a nil key and a weak key.
func checkConektaKeys(where string, keys []*rsa.PublicKey) error {
	if len(keys) == 0 {
		return fmt.Errorf("webhook: %s: no public key; an empty key list would verify nothing (use conekta.ActivePublicKeys)", where)
	}
	for i, k := range keys {
		if k == nil || k.N == nil {
			return fmt.Errorf("webhook: %s: key %d is nil", where, i)
		}
		if k.N.BitLen() < conekta.MinKeyBits {
			return fmt.Errorf("webhook: %s: key %d has %d bits; at least %d are required", where, i, k.N.BitLen(), conekta.MinKeyBits)
		}
	}
	return nil
}

// SignConekta returns the Digest header value for payload, as Conekta
// computes it with a webhook key's private half. For tests and fakes.
func SignConekta(payload []byte, key *rsa.PrivateKey) (string, error) {
	if key == nil {
		return "", errors.New("webhook: SignConekta: the private key is nil")
	}
	sum := sha256.Sum256(payload)
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("webhook: SignConekta: %w", err)
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// ConektaHandlerFunc is user code for Conekta events. Return nil only once
// the event is safely recorded: nil acknowledges it (200), and Conekta will
// not send it again; an error answers 500 so Conekta retries.
type ConektaHandlerFunc func(ctx context.Context, e *conekta.Event) error

// NewConektaHandler returns an http.Handler for Conekta's asynchronous
// webhooks (order.paid, order.pending_payment, order.declined, charge.paid…).
// It accepts POST only, verifies the Digest with keys (401 when it fails),
// decodes the event envelope (400 when unreadable), processes each event id
// once (duplicates get 200 without calling fn), and calls fn under a timeout.
//
// The synchronous inbound_payment.* requests of recurring cash go to a
// different URL, served by conektasync.NewHandler (package
// webhook/conektasync).
//
// Options: WithStore, WithNamespace, WithMaxBodyBytes, WithTimeout,
// WithLease, WithBusyWait, WithLogger.
func NewConektaHandler(keys []*rsa.PublicKey, fn ConektaHandlerFunc, opts ...ConektaOption) (http.Handler, error) {
	c := newEngineConfig("conekta")
	if err := configure(opts, func(o ConektaOption) error { return o.applyConekta(&c) }); err != nil {
		return nil, err
	}
	if err := c.finish(); err != nil {
		return nil, err
	}
	if err := checkConektaKeys("NewConektaHandler", keys); err != nil {
		return nil, err
	}
	if fn == nil {
		return nil, errors.New("webhook: NewConektaHandler: the handler func is nil")
	}
	keys = append([]*rsa.PublicKey(nil), keys...)
	deliver := func(ev *conekta.Event) *delivery {
		return &delivery{key: ev.ID, run: func(ctx context.Context) error { return fn(ctx, ev) }}
	}
	return &engine{engineConfig: &c, conektaEvent: deliver, accept: func(body []byte, h http.Header) (*delivery, error) {
		ev, err := verifyConekta(body, h.Get(ConektaDigestHeader), keys)
		if err != nil {
			return nil, err
		}
		return deliver(ev), nil
	}}, nil
}
