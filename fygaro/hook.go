package fygaro

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/pagos-go/pagos/internal/jsonx"
)

// Signed says what authenticated a hook delivery.
type Signed int

const (
	// SignedNone: the hook was parsed, not verified.
	SignedNone Signed = iota
	// SignedJWT: only the JWT in the body was verified, as in Fygaro's older
	// hooks. It carries no signed delivery time, so a captured delivery can be
	// replayed; the webhook handler refuses it past a maximum age and remembers
	// what it processed, and that memory is the only other defence.
	SignedJWT
	// SignedBody: the Fygaro-Signature header verified over the delivery
	// time and the raw body, and the JWT in the body verified too.
	SignedBody
)

// String names what was verified: "none", "jwt" or "body".
func (s Signed) String() string {
	switch s {
	case SignedJWT:
		return "jwt"
	case SignedBody:
		return "body"
	}
	return "none"
}

// ErrMalformedHook is returned (wrapped) when a hook body is not a JSON
// object with a jwt and a transaction reference.
var ErrMalformedHook = errors.New("fygaro: malformed hook")

// Hook is one hook delivery: the POST Fygaro sends to the button's hook URL
// after a successful payment. Every documented generation decodes into it:
// the oldest names the transaction reference transactionReference, the
// newer ones reference (and add the Fygaro-Signature header).
//
// The body's fields are what Fygaro says the JWT's claims repeat; the
// webhook verifier requires them to agree. The payment's details (amount,
// currency, customer) travel only in the JWT: read them with Claims once the
// hook is verified.
type Hook struct {
	// CustomReference is the reference you gave the link (custom_reference),
	// such as your order id: a number keeps its digits, and another shape
	// (never sent by Fygaro's guide) its compact JSON, so the hook is still
	// delivered.
	CustomReference string
	// Reference is Fygaro's transaction reference, unique per payment:
	// "reference", or "transactionReference" in the oldest hooks.
	Reference string
	// CreatedAt is when the customer started paying.
	CreatedAt Time
	// JWT is the signed token as sent.
	JWT string
	// Raw is the whole body as received.
	Raw json.RawMessage

	// Signed is set by webhook verification: what authenticated the hook.
	Signed Signed
	// KeyID is set by webhook verification: the keyring entry (the hook
	// credential's API key) whose secret verified the hook; empty when a
	// JWT-only hook without a kid verified against a keyring of several.
	KeyID string
}

// refs are the fields a hook body and its JWT claims share.
type refs struct {
	// Fygaro documents strings; a number is kept as its text.
	CustomReference      jsonx.Loose `json:"customReference"`
	Reference            Text        `json:"reference"`
	TransactionReference Text        `json:"transactionReference"` // the oldest hooks' name
	CreatedAt            Time        `json:"createdAt"`
}

// reference returns the transaction reference under either name.
func (r *refs) reference() string {
	if r.Reference != "" {
		return string(r.Reference)
	}
	return string(r.TransactionReference)
}

// ParseHook decodes a hook body without verifying it. Use
// webhook.VerifyFygaro (or webhook.NewFygaroHandler) for deliveries from the
// network: Claims works only on a verified hook.
func ParseHook(body []byte) (*Hook, error) {
	h := new(Hook)
	if err := h.UnmarshalJSON(body); err != nil {
		return nil, err
	}
	return h, nil
}

// UnmarshalJSON decodes a hook body strictly (a transaction reference and a
// jwt are required) and keeps the whole body in Raw.
func (h *Hook) UnmarshalJSON(b []byte) error {
	var v struct {
		refs
		JWT string `json:"jwt"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformedHook, err)
	}
	ref := v.reference()
	switch {
	case ref == "":
		return fmt.Errorf("%w: no reference or transactionReference", ErrMalformedHook)
	case v.JWT == "":
		return fmt.Errorf("%w: no jwt", ErrMalformedHook)
	}
	*h = Hook{CustomReference: string(v.CustomReference), Reference: ref, CreatedAt: v.CreatedAt, JWT: v.JWT,
		Raw: append(json.RawMessage(nil), b...)}
	return nil
}

// Claims are the JWT claims of a hook: the payment's details, signed with
// the hook credential's secret.
type Claims struct {
	// CustomReference is the link's custom_reference, such as your order id.
	CustomReference string
	// Reference is Fygaro's transaction reference ("reference", or
	// "transactionReference" in the oldest hooks).
	Reference string
	// Currency is the ISO 4217 code of the payment, such as "USD".
	Currency string
	// Amount is what was paid, in the currency's major unit; Fygaro sends a
	// decimal string with at most two places.
	Amount Amount
	// CreatedAt is when the customer started paying.
	CreatedAt Time
	// ClientData is what the customer entered: name, email and phone.
	ClientData ClientData
}

// UnmarshalJSON decodes the claims, accepting either name of the
// transaction reference.
func (c *Claims) UnmarshalJSON(b []byte) error {
	var v struct {
		refs
		Currency   string     `json:"currency"`
		Amount     Amount     `json:"amount"`
		ClientData ClientData `json:"clientData"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*c = Claims{CustomReference: string(v.CustomReference), Reference: v.reference(), Currency: v.Currency,
		Amount: v.Amount, CreatedAt: v.CreatedAt, ClientData: v.ClientData}
	return nil
}

// Claims decodes the verified JWT's claims: the amount, currency and
// customer. They are decoded on demand, so a verified hook whose claims have
// an unexpected shape still reaches your code, which can read them with
// RawClaims; return the error to have Fygaro retry.
func (h *Hook) Claims() (*Claims, error) {
	raw, err := h.RawClaims()
	if err != nil {
		return nil, err
	}
	c := new(Claims)
	if err := c.UnmarshalJSON(raw); err != nil {
		return nil, fmt.Errorf("fygaro: hook %s: decoding the JWT claims: %w", h.Reference, err)
	}
	return c, nil
}

// RawClaims returns the verified JWT's claims as sent, for claims Claims
// does not type. It fails for a hook that webhook verification has not
// checked (Signed is SignedNone).
func (h *Hook) RawClaims() (json.RawMessage, error) {
	if h.Signed == SignedNone {
		return nil, fmt.Errorf("fygaro: hook %s is not verified, so its claims cannot be trusted; verify it with webhook.VerifyFygaro", h.Reference)
	}
	first, last := strings.IndexByte(h.JWT, '.'), strings.LastIndexByte(h.JWT, '.')
	if first < 0 || first == last {
		return nil, fmt.Errorf("fygaro: hook %s: the jwt is not a compact JWS", h.Reference)
	}
	raw, err := base64.RawURLEncoding.DecodeString(h.JWT[first+1 : last])
	if err != nil {
		return nil, fmt.Errorf("fygaro: hook %s: the jwt's claims are not base64url: %w", h.Reference, err)
	}
	return raw, nil
}
