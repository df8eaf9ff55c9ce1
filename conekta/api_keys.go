package conekta

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"
	"strings"

	"github.com/pagos-go/pagos"
	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// APIKeysService manages the account's API keys: create one per
// integration, rotate it, and deactivate or delete the old one.
type APIKeysService service

// APIKeyRole says whether a key is private (server side) or public (for
// tokenizing cards in the browser). Unknown values are kept.
type APIKeyRole string

// API key roles.
const (
	APIKeyPrivate APIKeyRole = "private"
	APIKeyPublic  APIKeyRole = "public"
)

// APIKey is one of the account's API keys. Only the answer to Create
// carries the key itself, in AuthenticationToken.
type APIKey struct {
	ID          string     `json:"id"`
	Object      string     `json:"object,omitempty"` // "api_key"
	Role        APIKeyRole `json:"role"`
	Description string     `json:"description,omitempty"`
	Active      bool       `json:"active"`
	Livemode    bool       `json:"livemode"`
	// Prefix is the first characters of the key, such as "key_rp", to tell
	// keys apart.
	Prefix    string `json:"prefix,omitempty"`
	CreatedAt Time   `json:"created_at"`
	UpdatedAt Time   `json:"updated_at"`
	// DeactivatedAt and LastUsedAt are zero when Conekta sends null.
	DeactivatedAt Time `json:"deactivated_at"`
	LastUsedAt    Time `json:"last_used_at"`
	Deleted       bool `json:"deleted,omitempty"` // set on the answer to Delete
	// AuthenticationToken is the key itself ("key_…"), sent once, in the
	// answer to Create: store it then. It prints and logs as "[redacted]";
	// string(k.AuthenticationToken) gives the value.
	AuthenticationToken pagos.Secret `json:"authentication_token,omitempty"`
	// Raw is the object as Conekta sent it, except that a new key's
	// authentication_token is "[redacted]", so printing Raw shows no key.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the key and keeps it in Raw, without the token.
func (k *APIKey) UnmarshalJSON(b []byte) error {
	type plain APIKey
	if err := keepRaw(b, (*plain)(k), &k.Raw); err != nil {
		return err
	}
	if k.AuthenticationToken == "" {
		return nil
	}
	// Rebuilt rather than patched, so no escaping of the token on the wire
	// can leave it in Raw; the other members keep their bytes.
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	for name := range m {
		// encoding/json matched the field case-insensitively.
		if strings.EqualFold(name, "authentication_token") {
			delete(m, name)
		}
	}
	m["authentication_token"] = json.RawMessage(`"[redacted]"`)
	raw, err := json.Marshal(m)
	if err != nil {
		return err
	}
	k.Raw = raw
	return nil
}

// APIKeyParams create an API key.
type APIKeyParams struct {
	Role        APIKeyRole `json:"role"`                  // required
	Description string     `json:"description,omitempty"` // such as "online store"
}

// APIKeyUpdateParams change an API key; only the fields set are sent.
type APIKeyUpdateParams struct {
	Active      *bool  `json:"active,omitempty"`
	Description string `json:"description,omitempty"`
}

func apiKeyPath(id string) string { return "/api_keys/" + url.PathEscape(id) }

// Create makes an API key (POST /api_keys). The answer's
// AuthenticationToken is the only time Conekta shows the key.
//
// A create that fails after it may have reached Conekta is not repeated
// (ErrOutcomeUnknown): a key created then is lost to you, since its token is
// shown only once, so find it with List (by Description) and delete it
// before creating another.
//
// Conekta API: createApiKey.
func (s *APIKeysService) Create(ctx context.Context, p *APIKeyParams, opts ...RequestOption) (*APIKey, error) {
	if p == nil || p.Role == "" {
		return nil, check.Invalid(provider, "APIKeyParams.Role", "is required: conekta.APIKeyPrivate or conekta.APIKeyPublic")
	}
	return call[APIKey](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: "/api_keys", Body: p}, opts)
}

// Get fetches an API key (GET /api_keys/{id}).
//
// Conekta API: getApiKey.
func (s *APIKeysService) Get(ctx context.Context, id string, opts ...RequestOption) (*APIKey, error) {
	if err := check.ID(provider, "API key", id); err != nil {
		return nil, err
	}
	return call[APIKey](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: apiKeyPath(id)}, opts)
}

// List fetches one page of API keys (GET /api_keys); ListParams.Search
// matches an id, description or prefix.
//
// Conekta API: getApiKeys.
func (s *APIKeysService) List(ctx context.Context, p *ListParams, opts ...RequestOption) (*List[*APIKey], error) {
	q, err := p.query(url.Values{})
	if err != nil {
		return nil, err
	}
	return list(ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/api_keys", Query: q}, opts, func(k *APIKey) string { return k.ID })
}

// All iterates over every API key matching p.
func (s *APIKeysService) All(ctx context.Context, p *ListParams, opts ...RequestOption) iter.Seq2[*APIKey, error] {
	return allPages(ctx, func(ctx context.Context, cursor string) (*List[*APIKey], error) {
		return s.List(ctx, p.after(cursor), opts...)
	})
}

// Update activates, deactivates or renames an API key (PUT /api_keys/{id}).
//
// Conekta API: updateApiKey.
func (s *APIKeysService) Update(ctx context.Context, id string, p *APIKeyUpdateParams, opts ...RequestOption) (*APIKey, error) {
	if err := check.ID(provider, "API key", id); err != nil {
		return nil, err
	}
	if p == nil || sendsNothing(p) {
		return nil, check.Invalid(provider, "APIKeyUpdateParams", "sets no field; there is nothing to update")
	}
	return call[APIKey](ctx, s.client, &httpcore.Request{Method: http.MethodPut, Path: apiKeyPath(id), Body: p}, opts)
}

// Delete removes an API key (DELETE /api_keys/{id}); requests signed with it
// fail from then on.
//
// Conekta API: deleteApiKey.
func (s *APIKeysService) Delete(ctx context.Context, id string, opts ...RequestOption) (*APIKey, error) {
	if err := check.ID(provider, "API key", id); err != nil {
		return nil, err
	}
	return call[APIKey](ctx, s.client, &httpcore.Request{Method: http.MethodDelete, Path: apiKeyPath(id)}, opts)
}
