package conekta

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/pagos-go/pagos/internal/testutil"
)

// The spec's api_key_response example, and api_key_create_response with
// the key itself.
const (
	apiKeyJSON = `{"active":true,"created_at":1684167881,"updated_at":1684167923,"deactivated_at":null,"last_used_at":null,
		"description":"online store","id":"64625cc9f3e02c00163f5e4d","livemode":false,"object":"api_key","prefix":"key_rp","role":"private"}`
	newAPIKeyToken = "key_rpHzxufNgjFCdprEEFZRTKi"
)

var newAPIKeyJSON = strings.Replace(apiKeyJSON, `{"active"`, `{"authentication_token":"`+newAPIKeyToken+`","active"`, 1)

func TestAPIKeys(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/api_keys", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			wire(t, r, "POST", "", `{"role":"private","description":"online store"}`)
			respond(w, 200, newAPIKeyJSON)
			return
		}
		wire(t, r, "GET", "limit=5&search=online", "")
		respond(w, 200, `{"object":"list","has_more":false,"next_page_url":null,"previous_page_url":null,"data":[`+apiKeyJSON+`]}`)
	})
	mux.HandleFunc("/api_keys/64625cc9f3e02c00163f5e4d", func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case "PUT":
			wire(t, r, "PUT", "", `{"active":false,"description":"old store"}`)
			respond(w, 200, strings.Replace(apiKeyJSON, `"active":true`, `"active":false`, 1))
		case "DELETE":
			wire(t, r, "DELETE", "", "")
			respond(w, 200, strings.Replace(apiKeyJSON, `{"active"`, `{"deleted":true,"active"`, 1))
		default:
			wire(t, r, "GET", "", "")
			respond(w, 200, apiKeyJSON)
		}
	})
	ctx := t.Context()
	k, err := c.APIKeys.Create(ctx, &APIKeyParams{Role: APIKeyPrivate, Description: "online store"})
	if err != nil {
		t.Fatal(err)
	}
	want := &APIKey{ID: "64625cc9f3e02c00163f5e4d", Object: "api_key", Role: APIKeyPrivate, Description: "online store", Active: true,
		Prefix: "key_rp", CreatedAt: Unix(1684167881), UpdatedAt: Unix(1684167923), AuthenticationToken: newAPIKeyToken}
	if diff := cmp.Diff(want, k, cmpopts.IgnoreFields(APIKey{}, "Raw")); diff != "" {
		t.Errorf("Create (-want +got):\n%s", diff)
	}
	// The key never prints, logs or re-encodes, not even through Raw.
	var logs testutil.LogBuffer
	logs.Logger().Info("key", "k", k, "raw", k.Raw)
	js, _ := json.Marshal(k)
	for _, s := range []string{fmt.Sprintf("%v %+v %#v %s", k, *k, k, k.Raw), logs.String(), string(js)} {
		if strings.Contains(s, newAPIKeyToken) {
			t.Fatalf("the new key leaked into %q", s)
		}
	}
	if !strings.Contains(string(k.Raw), `"authentication_token":"[redacted]"`) || !strings.Contains(string(k.Raw), `"prefix":"key_rp"`) {
		t.Errorf("Raw = %s", k.Raw)
	}

	if l, err := c.APIKeys.List(ctx, &ListParams{Limit: 5, Search: "online"}); err != nil || len(l.Data) != 1 || l.Data[0].AuthenticationToken != "" {
		t.Fatalf("List = %+v, %v", l, err)
	}
	n := 0
	for k, err := range c.APIKeys.All(ctx, &ListParams{Limit: 5, Search: "online"}) {
		if err != nil || k.ID != want.ID {
			t.Fatalf("All: %+v, %v", k, err)
		}
		n++
	}
	if g, err := c.APIKeys.Get(ctx, want.ID); err != nil || g.Prefix != "key_rp" || !g.LastUsedAt.IsZero() || n != 1 {
		t.Fatalf("Get = %+v, %v (All gave %d)", g, err, n)
	}
	if u, err := c.APIKeys.Update(ctx, want.ID, &APIKeyUpdateParams{Active: Bool(false), Description: "old store"}); err != nil || u.Active {
		t.Fatalf("Update = %+v, %v", u, err)
	}
	if d, err := c.APIKeys.Delete(ctx, want.ID); err != nil || !d.Deleted {
		t.Fatalf("Delete = %+v, %v", d, err)
	}
}

func TestAPIKeysValidateBeforeSending(t *testing.T) {
	t.Parallel()
	c, _ := setup(t)
	ctx := t.Context()
	for _, p := range []*APIKeyParams{nil, {Description: "x"}} {
		if k, err := c.APIKeys.Create(ctx, p); k != nil || !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("Create(%+v) = %+v, %v", p, k, err)
		}
	}
	if _, err := c.APIKeys.Update(ctx, "64625cc9f3e02c00163f5e4d", &APIKeyUpdateParams{}); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("empty Update: %v", err)
	}
	if _, err := c.APIKeys.Update(ctx, "64625cc9f3e02c00163f5e4d", nil); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("nil Update: %v", err)
	}
	for _, id := range []string{"", ".."} {
		if _, err := c.APIKeys.Get(ctx, id); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("Get(%q): %v", id, err)
		}
		if _, err := c.APIKeys.Delete(ctx, id); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("Delete(%q): %v", id, err)
		}
	}
	if _, err := c.APIKeys.List(ctx, &ListParams{Limit: 251}); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("List limit 251: %v", err)
	}
}

// FuzzAPIKeyDecode: an API key answer comes from the network; decoding it
// never panics, and a token it carries never stays in Raw.
func FuzzAPIKeyDecode(f *testing.F) {
	f.Add([]byte(newAPIKeyJSON))
	f.Add([]byte(`{"authentication_token":"key_a\u003cb","id":"1"}`))
	f.Add([]byte(`{"authentication_token":"key_x","authentication_token":"key_y"}`))
	f.Add([]byte(`{"authentication_token":5}`))
	f.Add([]byte(`{"Authentication_Token":"key_z"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var k APIKey
		if err := json.Unmarshal(b, &k); err != nil {
			return
		}
		if k.AuthenticationToken != "" {
			var m map[string]any
			if err := json.Unmarshal(k.Raw, &m); err != nil {
				t.Fatalf("Raw %s: %v", k.Raw, err)
			}
			for name, v := range m {
				if strings.EqualFold(name, "authentication_token") && (name != "authentication_token" || v != "[redacted]") {
					t.Fatalf("Raw keeps the token: %s", k.Raw)
				}
			}
		}
	})
}
