package conekta

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

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
//
// Conekta API: createWebhookKey.
func (s *WebhookKeysService) Create(ctx context.Context, active bool, opts ...RequestOption) (*WebhookKey, error) {
	body := map[string]bool{"active": active}
	return call[WebhookKey](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: "/webhook_keys", Body: body}, opts)
}

// Get fetches a key (GET /webhook_keys/{id}).
//
// Conekta API: getWebhookKey.
func (s *WebhookKeysService) Get(ctx context.Context, id string, opts ...RequestOption) (*WebhookKey, error) {
	if err := check.ID(provider, "webhook key", id); err != nil {
		return nil, err
	}
	return call[WebhookKey](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: webhookKeyPath(id)}, opts)
}

// List fetches one page of keys (GET /webhook_keys).
//
// Conekta API: getWebhookKeys.
func (s *WebhookKeysService) List(ctx context.Context, p *ListParams, opts ...RequestOption) (*List[*WebhookKey], error) {
	q, err := p.query(url.Values{})
	if err != nil {
		return nil, err
	}
	return list(ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/webhook_keys", Query: q}, opts, func(k *WebhookKey) string { return k.ID })
}

// All iterates over every key.
//
// Conekta API: getWebhookKeys.
func (s *WebhookKeysService) All(ctx context.Context, p *ListParams, opts ...RequestOption) iter.Seq2[*WebhookKey, error] {
	return allPages(ctx, func(ctx context.Context, cursor string) (*List[*WebhookKey], error) {
		return s.List(ctx, p.after(cursor), opts...)
	})
}

// Update activates or deactivates a key (PUT /webhook_keys/{id}).
//
// Conekta API: updateWebhookKey.
func (s *WebhookKeysService) Update(ctx context.Context, id string, active bool, opts ...RequestOption) (*WebhookKey, error) {
	if err := check.ID(provider, "webhook key", id); err != nil {
		return nil, err
	}
	body := map[string]bool{"active": active}
	return call[WebhookKey](ctx, s.client, &httpcore.Request{Method: http.MethodPut, Path: webhookKeyPath(id), Body: body}, opts)
}

// Delete removes a key (DELETE /webhook_keys/{id}).
//
// Conekta API: deleteWebhookKey.
func (s *WebhookKeysService) Delete(ctx context.Context, id string, opts ...RequestOption) (*WebhookKey, error) {
	if err := check.ID(provider, "webhook key", id); err != nil {
		return nil, err
	}
	return call[WebhookKey](ctx, s.client, &httpcore.Request{Method: http.MethodDelete, Path: webhookKeyPath(id)}, opts)
}
