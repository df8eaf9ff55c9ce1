package tpaga

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Notification is the deposit notification Tpaga posts to the URL you agreed
// with it, once a deposit succeeded:
//
//	{"reference": "575657589293", "amount": 20000,
//	 "idempotency_token": "c348e1578b91e2f03db5e15a401b99", "efecty_order_id": "999777555"}
//
// Tpaga signs nothing: serve it with webhook.NewTpagaHandler, which checks
// the header value you agreed with Tpaga and processes each deposit once.
type Notification struct {
	// Reference is the reference deposited to: a single-use one, or the
	// prefixed form of a permanent one.
	Reference string
	// Amount is the deposit in whole Colombian pesos (COP, not centavos:
	// 20000 is twenty thousand pesos).
	Amount int64
	// IdempotencyToken is the token a single-use reference was created with.
	// What Tpaga sends for a permanent reference is not documented; it may be
	// empty. Do not use it alone to recognise a deposit.
	IdempotencyToken string
	// EfectyOrderID is Efecty's order id for the deposit, as text even when
	// Tpaga sends a number. With Reference it identifies the deposit.
	EfectyOrderID string
	// Raw is the whole body as received.
	Raw json.RawMessage
}

// ErrMalformedNotification is returned (wrapped) when a body lacks a readable
// reference, efecty_order_id or amount.
var ErrMalformedNotification = errors.New("tpaga: malformed notification")

// ParseNotification decodes a notification body without authenticating it.
// Use webhook.NewTpagaHandler or webhook.VerifyTpaga for deliveries from the
// network.
func ParseNotification(body []byte) (*Notification, error) {
	n := new(Notification)
	if err := n.UnmarshalJSON(body); err != nil {
		return nil, err
	}
	return n, nil
}

// UnmarshalJSON reads what identifies the deposit and its amount strictly,
// and keeps the whole body.
//
// The amount is read strictly because the notification carries nothing else
// to credit: one that cannot be read exactly as whole pesos (20000, 20000.0
// or "20000" are accepted) is refused rather than guessed, so the handler
// answers 400, Tpaga keeps the notification and retries it.
func (n *Notification) UnmarshalJSON(b []byte) error {
	var v struct {
		Reference        string    `json:"reference"`
		Amount           jsonValue `json:"amount"`
		IdempotencyToken jsonValue `json:"idempotency_token"`
		EfectyOrderID    jsonValue `json:"efecty_order_id"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformedNotification, err)
	}
	out := Notification{Reference: v.Reference}
	var err error
	if out.Reference == "" {
		return fmt.Errorf("%w: no reference", ErrMalformedNotification)
	}
	if out.EfectyOrderID, err = v.EfectyOrderID.text(); err != nil || out.EfectyOrderID == "" {
		return fmt.Errorf("%w: no efecty_order_id", ErrMalformedNotification)
	}
	if v.Amount == "" || v.Amount == "null" {
		return fmt.Errorf("%w: no amount", ErrMalformedNotification)
	}
	if out.Amount, err = v.Amount.pesos(); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformedNotification, err)
	}
	// Nothing rests on the token, so an unexpected shape leaves it empty.
	out.IdempotencyToken, _ = v.IdempotencyToken.text()
	out.Raw = append(json.RawMessage(nil), b...)
	*n = out
	return nil
}

// MarshalJSON writes the body as received, or, for a Notification built in
// code, the four fields as Tpaga sends them.
func (n *Notification) MarshalJSON() ([]byte, error) {
	if len(n.Raw) > 0 {
		return n.Raw, nil
	}
	var token *string
	if n.IdempotencyToken != "" {
		token = &n.IdempotencyToken
	}
	return json.Marshal(struct {
		Reference        string  `json:"reference"`
		Amount           int64   `json:"amount"`
		IdempotencyToken *string `json:"idempotency_token"`
		EfectyOrderID    string  `json:"efecty_order_id"`
	}{n.Reference, n.Amount, token, n.EfectyOrderID})
}
