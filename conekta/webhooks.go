package conekta

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// WebhooksService registers the URLs Conekta posts events to.
//
// The synchronous approval URL of recurring cash ("Usar para Oxxo Pay
// Recurrente") is a setting of Conekta's panel, not of this API.
type WebhooksService service

// Webhook is a registered event destination.
type Webhook struct {
	ID               string      `json:"id"`
	Object           string      `json:"object,omitempty"` // "webhook"
	URL              string      `json:"url"`
	Description      string      `json:"description,omitempty"`
	Livemode         bool        `json:"livemode"`
	Active           bool        `json:"active"`
	Status           string      `json:"status,omitempty"` // such as "listening"
	SubscribedEvents []EventType `json:"subscribed_events,omitempty"`
	Deleted          bool        `json:"deleted,omitempty"`
}

// WebhookParams register a webhook.
type WebhookParams struct {
	// URL receives the events by POST. Conekta refuses localhost and
	// 127.0.0.1 (the conektatest fake does not).
	URL string `json:"url"`
	// SubscribedEvents lists the events to send; empty means Conekta's default set.
	SubscribedEvents []EventType `json:"subscribed_events,omitempty"`
}

// WebhookUpdateParams change a webhook; only the fields set are sent.
type WebhookUpdateParams struct {
	URL              string      `json:"url,omitempty"`
	SubscribedEvents []EventType `json:"subscribed_events,omitempty"`
	Active           *bool       `json:"active,omitempty"`
}

func webhookPath(id string) string { return "/webhooks/" + url.PathEscape(id) }

// Create registers a webhook (POST /webhooks). Verify its deliveries with
// webhook.NewConektaHandler and the public keys of WebhookKeys.
func (s *WebhooksService) Create(ctx context.Context, p *WebhookParams, opts ...RequestOption) (*Webhook, error) {
	if p == nil || p.URL == "" {
		return nil, check.Invalid(provider, "WebhookParams.URL", "is required: the https URL your webhook handler listens on")
	}
	if err := checkURL("WebhookParams.URL", p.URL); err != nil {
		return nil, err
	}
	return call[Webhook](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: "/webhooks", Body: p}, opts)
}

// Get fetches a webhook (GET /webhooks/{id}).
func (s *WebhooksService) Get(ctx context.Context, id string, opts ...RequestOption) (*Webhook, error) {
	if err := check.ID(provider, "webhook", id); err != nil {
		return nil, err
	}
	return call[Webhook](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: webhookPath(id)}, opts)
}

// List fetches one page of webhooks (GET /webhooks).
func (s *WebhooksService) List(ctx context.Context, p *ListParams, opts ...RequestOption) (*List[*Webhook], error) {
	q, err := p.query(url.Values{})
	if err != nil {
		return nil, err
	}
	return call[List[*Webhook]](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/webhooks", Query: q}, opts)
}

// All iterates over every webhook.
func (s *WebhooksService) All(ctx context.Context, p *ListParams, opts ...RequestOption) iter.Seq2[*Webhook, error] {
	return allPages(ctx, func(w *Webhook) string { return w.ID }, func(ctx context.Context, cursor string) (*List[*Webhook], error) {
		return s.List(ctx, p.after(cursor), opts...)
	})
}

// Update changes a webhook (PUT /webhooks/{id}).
func (s *WebhooksService) Update(ctx context.Context, id string, p *WebhookUpdateParams, opts ...RequestOption) (*Webhook, error) {
	if err := check.ID(provider, "webhook", id); err != nil {
		return nil, err
	}
	if p == nil || sendsNothing(p) {
		return nil, check.Invalid(provider, "WebhookUpdateParams", "sets no field; there is nothing to update")
	}
	if p.URL != "" {
		if err := checkURL("WebhookUpdateParams.URL", p.URL); err != nil {
			return nil, err
		}
	}
	return call[Webhook](ctx, s.client, &httpcore.Request{Method: http.MethodPut, Path: webhookPath(id), Body: p}, opts)
}

// Delete removes a webhook (DELETE /webhooks/{id}).
func (s *WebhooksService) Delete(ctx context.Context, id string, opts ...RequestOption) (*Webhook, error) {
	if err := check.ID(provider, "webhook", id); err != nil {
		return nil, err
	}
	return call[Webhook](ctx, s.client, &httpcore.Request{Method: http.MethodDelete, Path: webhookPath(id)}, opts)
}

// Test asks Conekta to send a test event to the webhook (POST
// /webhooks/{id}/test).
func (s *WebhooksService) Test(ctx context.Context, id string, opts ...RequestOption) (*Webhook, error) {
	if err := check.ID(provider, "webhook", id); err != nil {
		return nil, err
	}
	return call[Webhook](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: webhookPath(id) + "/test"}, opts)
}

// WebhookKeysService manages the RSA keys Conekta signs webhook deliveries
// with: Conekta keeps the private half and returns the public half.
type WebhookKeysService service

// WebhookKey is a webhook signing key. Its PublicKey (PEM) verifies the
// Digest header of deliveries: pass ActivePublicKeys of your keys to
// webhook.NewConektaHandler.
type WebhookKey struct {
	ID            string `json:"id"`
	Object        string `json:"object,omitempty"` // "webhook_key"
	Active        bool   `json:"active"`
	Livemode      bool   `json:"livemode"`
	PublicKey     string `json:"public_key,omitempty"` // PEM, "-----BEGIN PUBLIC KEY-----…"
	CreatedAt     Time   `json:"created_at"`
	DeactivatedAt Time   `json:"deactivated_at"`
	Deleted       bool   `json:"deleted,omitempty"`
}

// RSAPublicKey parses the key's PublicKey.
func (k *WebhookKey) RSAPublicKey() (*rsa.PublicKey, error) {
	if k == nil {
		return nil, errors.New("conekta: webhook key is nil")
	}
	pub, err := ParsePublicKey(k.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("conekta: webhook key %s: %w", k.ID, err)
	}
	return pub, nil
}

// ActivePublicKeys returns the parsed public keys of the active keys among
// keys: Conekta may sign with any of them while you rotate.
func ActivePublicKeys(keys []*WebhookKey) ([]*rsa.PublicKey, error) {
	var out []*rsa.PublicKey
	for _, k := range keys {
		if k == nil || !k.Active {
			continue
		}
		pub, err := k.RSAPublicKey()
		if err != nil {
			return nil, err
		}
		out = append(out, pub)
	}
	if len(out) == 0 {
		return nil, errors.New("conekta: no active webhook key: create one with WebhookKeys.Create")
	}
	return out, nil
}

// MinKeyBits is the smallest RSA key pagos accepts for webhook signatures.
const MinKeyBits = 2048

// ParsePublicKey reads an RSA public key in PEM: "PUBLIC KEY" (SPKI, as
// Conekta returns it) or "RSA PUBLIC KEY" (PKCS #1). Keys under 2048 bits
// are refused.
func ParsePublicKey(pemText string) (*rsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(pemText))
	if block == nil {
		return nil, errors.New("conekta: public key is not PEM: expected -----BEGIN PUBLIC KEY-----")
	}
	var pub *rsa.PublicKey
	switch block.Type {
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("conekta: public key: %w", err)
		}
		rk, ok := k.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("conekta: public key is a %T, not RSA", k)
		}
		pub = rk
	case "RSA PUBLIC KEY":
		k, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("conekta: public key: %w", err)
		}
		pub = k
	default:
		return nil, fmt.Errorf("conekta: PEM block is %q, not a public key", block.Type)
	}
	if pub.N.BitLen() < MinKeyBits {
		return nil, fmt.Errorf("conekta: public key has %d bits; at least %d are required", pub.N.BitLen(), MinKeyBits)
	}
	return pub, nil
}

// MarshalPublicKey writes pub as SPKI PEM, the form Conekta returns.
func MarshalPublicKey(pub *rsa.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}

func webhookKeyPath(id string) string { return "/webhook_keys/" + url.PathEscape(id) }

// Create makes a new signing key (POST /webhook_keys), active unless
// active is false.
func (s *WebhookKeysService) Create(ctx context.Context, active bool, opts ...RequestOption) (*WebhookKey, error) {
	body := map[string]bool{"active": active}
	return call[WebhookKey](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: "/webhook_keys", Body: body}, opts)
}

// Get fetches a key (GET /webhook_keys/{id}).
func (s *WebhookKeysService) Get(ctx context.Context, id string, opts ...RequestOption) (*WebhookKey, error) {
	if err := check.ID(provider, "webhook key", id); err != nil {
		return nil, err
	}
	return call[WebhookKey](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: webhookKeyPath(id)}, opts)
}

// List fetches one page of keys (GET /webhook_keys).
func (s *WebhookKeysService) List(ctx context.Context, p *ListParams, opts ...RequestOption) (*List[*WebhookKey], error) {
	q, err := p.query(url.Values{})
	if err != nil {
		return nil, err
	}
	return call[List[*WebhookKey]](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/webhook_keys", Query: q}, opts)
}

// All iterates over every key.
func (s *WebhookKeysService) All(ctx context.Context, p *ListParams, opts ...RequestOption) iter.Seq2[*WebhookKey, error] {
	return allPages(ctx, func(k *WebhookKey) string { return k.ID }, func(ctx context.Context, cursor string) (*List[*WebhookKey], error) {
		return s.List(ctx, p.after(cursor), opts...)
	})
}

// Update activates or deactivates a key (PUT /webhook_keys/{id}).
func (s *WebhookKeysService) Update(ctx context.Context, id string, active bool, opts ...RequestOption) (*WebhookKey, error) {
	if err := check.ID(provider, "webhook key", id); err != nil {
		return nil, err
	}
	body := map[string]bool{"active": active}
	return call[WebhookKey](ctx, s.client, &httpcore.Request{Method: http.MethodPut, Path: webhookKeyPath(id), Body: body}, opts)
}

// Delete removes a key (DELETE /webhook_keys/{id}).
func (s *WebhookKeysService) Delete(ctx context.Context, id string, opts ...RequestOption) (*WebhookKey, error) {
	if err := check.ID(provider, "webhook key", id); err != nil {
		return nil, err
	}
	return call[WebhookKey](ctx, s.client, &httpcore.Request{Method: http.MethodDelete, Path: webhookKeyPath(id)}, opts)
}

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

// PaymentTestsService drives the sandbox's simulator of recurring cash
// payments (POST /payment_test), which is documented only in Conekta's
// recurring cash guide, not in its API reference.
type PaymentTestsService service

// PaymentTestParams ask the sandbox to send one inbound_payment.* request
// to your approval URL.
type PaymentTestParams struct {
	// EventType is EventInboundPaymentLookup, EventInboundPaymentAttempt or
	// EventInboundPaymentReverse.
	EventType EventType
	Reference string // the recurring cash reference
	Amount    int64  // centavos, for a payment attempt; at most MaxAmount
}

// PaymentTestResult is the simulator's answer, kept raw: its shape is not
// documented.
type PaymentTestResult struct {
	Raw json.RawMessage
}

// Create sends p to the simulator. It works with test keys only.
func (s *PaymentTestsService) Create(ctx context.Context, p *PaymentTestParams, opts ...RequestOption) (*PaymentTestResult, error) {
	switch {
	case p == nil || !p.EventType.IsInboundPayment():
		return nil, check.Invalid(provider, "PaymentTestParams.EventType", "must be an inbound_payment.* type, such as conekta.EventInboundPaymentLookup")
	case p.Reference == "":
		return nil, check.Invalid(provider, "PaymentTestParams.Reference", "is required: the recurring cash reference to pay")
	case p.EventType == EventInboundPaymentAttempt && p.Amount <= 0:
		return nil, check.Invalid(provider, "PaymentTestParams.Amount", "is required for a payment attempt: the centavos handed over")
	case p.Amount < 0:
		return nil, check.Invalid(provider, "PaymentTestParams.Amount", "is %d; it must not be negative", p.Amount)
	case p.Amount > MaxAmount:
		return nil, tooLarge("PaymentTestParams.Amount", p.Amount)
	}
	body := map[string]string{"event_type": string(p.EventType), "reference": p.Reference}
	if p.Amount > 0 {
		body["amount"] = fmt.Sprint(p.Amount) // the guide sends it as a string
	}
	raw, err := call[json.RawMessage](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: "/payment_test", Body: body}, opts)
	if err != nil {
		return nil, err
	}
	return &PaymentTestResult{Raw: *raw}, nil
}
