package conekta

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// TokensService tokenizes cards. In production, cards are tokenized in the
// customer's browser by Conekta's component, so card data never reaches your
// server; server-side tokens are for sandbox flows and PCI-certified merchants.
type TokensService service

// Token is a single-use card token ("tok_…").
type Token struct {
	ID       string `json:"id"`
	Object   string `json:"object,omitempty"` // "token"
	Livemode bool   `json:"livemode"`
	Used     bool   `json:"used"`
}

// TokenCard is the card data of a token request. It prints, logs (slog) and
// JSON-encodes with the number and CVC masked, so it cannot reach a log line
// by accident; Tokens.Create sends the real card.
type TokenCard struct {
	Number            string `json:"number"`
	Name              string `json:"name"`
	ExpMonth          string `json:"exp_month"` // "01" to "12"
	ExpYear           string `json:"exp_year"`  // two digits, such as "30"
	CVC               string `json:"cvc"`
	DeviceFingerprint string `json:"device_fingerprint,omitempty"`
}

// String masks the card number and CVC.
func (c TokenCard) String() string {
	last4 := ""
	if len(c.Number) >= 4 {
		last4 = c.Number[len(c.Number)-4:]
	}
	return "{card ending " + last4 + " " + c.ExpMonth + "/" + c.ExpYear + "}"
}

// GoString masks the card number and CVC for %#v.
func (c TokenCard) GoString() string { return c.String() }

// LogValue masks the card number and CVC in slog output.
func (c TokenCard) LogValue() slog.Value { return slog.StringValue(c.String()) }

// MarshalJSON writes the masked card, like String: a TokenCard nested in a
// value a JSON log handler encodes shows no number or CVC.
func (c TokenCard) MarshalJSON() ([]byte, error) { return json.Marshal(c.String()) }

// tokenCardWire is a TokenCard on the wire: the same fields, without the
// masking methods.
type tokenCardWire TokenCard

// Create tokenizes a card (POST /tokens).
//
// Conekta API: createToken.
func (s *TokensService) Create(ctx context.Context, card *TokenCard, opts ...RequestOption) (*Token, error) {
	switch {
	case card == nil || card.Number == "":
		return nil, check.Invalid(provider, "TokenCard.Number", "is required")
	case card.Name == "":
		return nil, check.Invalid(provider, "TokenCard.Name", "is required: the holder's name")
	case !isTwoDigits(card.ExpMonth) || !isTwoDigits(card.ExpYear):
		return nil, check.Invalid(provider, "TokenCard", "ExpMonth and ExpYear must have two digits each, such as \"12\" and \"30\"")
	case len(card.CVC) < 3 || len(card.CVC) > 4:
		return nil, check.Invalid(provider, "TokenCard.CVC", "must have 3 or 4 digits")
	}
	return call[Token](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: "/tokens", Body: map[string]*tokenCardWire{"card": (*tokenCardWire)(card)}}, opts)
}
