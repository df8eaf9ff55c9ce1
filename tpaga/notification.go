package tpaga

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
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
	// prefixed form of a permanent one; as text even when Tpaga sends a
	// number.
	Reference string
	// IdempotencyToken is the token a single-use reference was created with.
	// What Tpaga sends for a permanent reference is not documented; it may be
	// empty. Do not use it alone to recognise a deposit.
	IdempotencyToken string
	// EfectyOrderID is Efecty's order id for the deposit, as text even when
	// Tpaga sends a number. With Reference it identifies the deposit.
	EfectyOrderID string
	// Raw is the whole body as received.
	Raw json.RawMessage

	amount jsonValue // read on demand by Amount
}

// NewNotification builds a notification as Tpaga sends it, for tests and
// fakes: Raw holds its JSON. amount is in whole pesos; an empty
// idempotencyToken is sent as null (as for a permanent reference).
func NewNotification(reference string, amount int64, efectyOrderID, idempotencyToken string) *Notification {
	n := &Notification{Reference: reference, IdempotencyToken: idempotencyToken, EfectyOrderID: efectyOrderID,
		amount: jsonValue(strconv.FormatInt(amount, 10))}
	n.Raw, _ = n.MarshalJSON() // only strings and an integer: it cannot fail
	return n
}

// ErrMalformedNotification is returned (wrapped) when a body lacks a readable
// reference or efecty_order_id, the two fields that identify a deposit.
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

// UnmarshalJSON reads what identifies the deposit (reference and
// efecty_order_id, each a string or a number) strictly, and keeps the whole
// body. The amount is read on demand by Amount, so an authentic
// notification whose amount has an unexpected shape still reaches your
// code instead of being refused for ever.
func (n *Notification) UnmarshalJSON(b []byte) error {
	var v struct {
		Reference        jsonValue `json:"reference"`
		Amount           jsonValue `json:"amount"`
		IdempotencyToken jsonValue `json:"idempotency_token"`
		EfectyOrderID    jsonValue `json:"efecty_order_id"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformedNotification, err)
	}
	var out Notification
	var err error
	if out.Reference, err = v.Reference.text(); err != nil || out.Reference == "" {
		return fmt.Errorf("%w: no reference", ErrMalformedNotification)
	}
	if out.EfectyOrderID, err = v.EfectyOrderID.text(); err != nil || out.EfectyOrderID == "" {
		return fmt.Errorf("%w: no efecty_order_id", ErrMalformedNotification)
	}
	// Nothing rests on the token, so an unexpected shape leaves it empty.
	out.IdempotencyToken, _ = v.IdempotencyToken.text()
	out.amount = v.Amount
	out.Raw = append(json.RawMessage(nil), b...)
	*n = out
	return nil
}

// Amount returns the deposit in whole Colombian pesos (COP, not centavos:
// 20000 is twenty thousand pesos). It reads the amount exactly or not at
// all: 20000, 20000.0 and "20000" are accepted; a missing amount, a
// fraction of a peso ("20000.50") or another shape (an object) is an error,
// never a guess. With such an error, return an error from your handler
// (Tpaga retries) or keep the notification (Raw) for a person to credit.
func (n *Notification) Amount() (int64, error) {
	if n.amount == "" || n.amount == "null" {
		return 0, fmt.Errorf("tpaga: notification for reference %s carries no amount", n.Reference)
	}
	v, err := n.amount.pesos()
	if err != nil {
		return 0, fmt.Errorf("tpaga: notification for reference %s: %w", n.Reference, err)
	}
	return v, nil
}

// MarshalJSON writes the body as received, or, for a Notification built by
// NewNotification, the four fields as Tpaga sends them.
func (n *Notification) MarshalJSON() ([]byte, error) {
	if len(n.Raw) > 0 {
		return n.Raw, nil
	}
	var token *string
	if n.IdempotencyToken != "" {
		token = &n.IdempotencyToken
	}
	amount := json.RawMessage(n.amount)
	if len(amount) == 0 {
		amount = json.RawMessage("null")
	}
	return json.Marshal(struct {
		Reference        string          `json:"reference"`
		Amount           json.RawMessage `json:"amount"`
		IdempotencyToken *string         `json:"idempotency_token"`
		EfectyOrderID    string          `json:"efecty_order_id"`
	}{n.Reference, amount, token, n.EfectyOrderID})
}
