package tpaga

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pagos-go/pagos/internal/testutil"
)

func dropOnReuseClient(t *testing.T, opts ...Option) (*Client, *testutil.DropOnReuse) {
	t.Helper()
	srv := testutil.NewDropOnReuse(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			testutil.Respond(w, http.StatusOK, `{"enabled":true,"deposit_intents":[]}`)
			return
		}
		testutil.Respond(w, http.StatusCreated, `{"reference":"575657589293","agreement":"110784","enabled":true}`)
	})
	c, err := NewClient(testToken, append([]Option{WithBaseURL(srv.URL), withNoWait()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReferenceDetails.Get(t.Context(), "575657589293"); err != nil {
		t.Fatal(err)
	}
	return c, srv
}

// A create on a reused keep-alive connection that dies after the request was
// written reaches Tpaga once and comes back as an outcome unknown naming its
// key, with or without an Idempotency-Key header (net/http replays a request
// carrying one by itself).
func TestCreateOnDroppedReusedConnectionSentOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts []RequestOption
		key  string
	}{
		{"no key", nil, ""},
		{"Idempotency-Key header", []RequestOption{WithHeader("Idempotency-Key", "perm-1")}, "perm-1"},
	} {
		t.Run("permanent reference, "+tc.name, func(t *testing.T) {
			t.Parallel()
			c, srv := dropOnReuseClient(t)
			_, err := c.PermanentReferences.Create(t.Context(), &PermanentReferenceParams{Requester: mireya, Description: "d"}, tc.opts...) // no Reference: not repeatable
			if n := srv.Count(http.MethodPost, api+"/permanent_references"); n != 1 {
				t.Fatalf("the create reached Tpaga %d times, want exactly 1 (err = %v)", n, err)
			}
			if !errors.Is(err, ErrOutcomeUnknown) || !strings.Contains(err.Error(), tc.key) {
				t.Fatalf("err = %v, want ErrOutcomeUnknown naming %q", err, tc.key)
			}
		})
		t.Run("single-use reference without retries, "+tc.name, func(t *testing.T) {
			t.Parallel()
			c, srv := dropOnReuseClient(t, WithMaxRetries(0))
			_, err := c.References.Create(t.Context(), &ReferenceParams{Requester: noa, Description: "d", IdempotencyToken: "c348e1578b91e2f03db5e15a401b99"}, tc.opts...)
			if n := srv.Count(http.MethodPost, api+"/references"); n != 1 {
				t.Fatalf("the create reached Tpaga %d times, want exactly 1 (err = %v)", n, err)
			}
			if !errors.Is(err, ErrOutcomeUnknown) || !strings.Contains(err.Error(), "c348e1578b91e2f03db5e15a401b99") {
				t.Fatalf("err = %v, want ErrOutcomeUnknown naming the idempotency_token", err)
			}
		})
	}
}

// The single-use reference is still retried by the pipeline, with the same
// idempotency_token, after the connection drops.
func TestSingleUseReferenceRetriedWithItsTokenAfterDrop(t *testing.T) {
	t.Parallel()
	c, srv := dropOnReuseClient(t)
	if _, err := c.References.Create(t.Context(), &ReferenceParams{Requester: noa, Description: "d"}); err != nil {
		t.Fatal(err)
	}
	var tokens []string
	for _, a := range srv.Arrivals() {
		if a.Path == api+"/references" {
			var b struct {
				Token string `json:"idempotency_token"`
			}
			_ = json.Unmarshal(a.Body, &b)
			tokens = append(tokens, b.Token)
		}
	}
	if len(tokens) != 2 || tokens[0] == "" || tokens[0] != tokens[1] {
		t.Fatalf("tokens = %q, want the same token on the dropped attempt and its retry", tokens)
	}
}

// Every method that puts a reference in the path refuses "." and "..".
func TestDotSegmentReferencesNeverSent(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		testutil.Respond(w, http.StatusOK, `{}`)
	}))
	defer srv.Close()
	c, err := NewClient(testToken, WithBaseURL(srv.URL), withNoWait())
	if err != nil {
		t.Fatal(err)
	}
	sim, err := NewEfectySimulator(EfectyStagingAPIKey, WithBaseURL(srv.URL), withNoWait())
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	calls := map[string]func(string) error{
		"PermanentReferences.Enable":  func(id string) error { _, err := c.PermanentReferences.Enable(ctx, id); return err },
		"PermanentReferences.Disable": func(id string) error { _, err := c.PermanentReferences.Disable(ctx, id); return err },
		"ReferenceDetails.Get":        func(id string) error { _, err := c.ReferenceDetails.Get(ctx, id); return err },
		"EfectySimulator.Lookup":      func(id string) error { _, err := sim.Lookup(ctx, id); return err },
	}
	for name, call := range calls {
		for _, id := range []string{".", ".."} {
			err := call(id)
			var pe *ParamError
			if !errors.As(err, &pe) || pe.Field != "reference" {
				t.Errorf("%s(%q): err = %v, want a ParamError naming the reference", name, id, err)
			}
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}

// Tpaga's messages are quoted verbatim; one that echoes the token, in any
// field, never puts it in an error or its kept body.
func TestEchoedTokenScrubbedFromErrors(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		testutil.Respond(w, http.StatusUnauthorized, `{"message":"Invalid credentials: `+auth+`","`+testToken+`":["echo `+testToken+`"]}`)
	}))
	defer srv.Close()
	c, err := NewClient(testToken, WithBaseURL(srv.URL), withNoWait())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ReferenceDetails.Get(t.Context(), "575657589293")
	var te *Error
	if !errors.As(err, &te) || !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v, want *Error", err)
	}
	text := err.Error() + string(te.Body) + te.Message
	for k, v := range te.Fields {
		text += k + strings.Join(v, ",")
	}
	if strings.Contains(text, "never_logged") {
		t.Fatalf("the token leaked: %s", text)
	}
}

func TestNewClientRefusesMalformedTokens(t *testing.T) {
	t.Parallel()
	for _, tok := range []string{"SEKRIT\x00", "SEK\tRIT", "SEKRITñ", "SEK RIT", "SEKRIT\x7f"} {
		_, err := NewClient(tok, WithBaseURL(StagingURL))
		if err == nil {
			t.Errorf("NewClient(%q) accepted", tok)
			continue
		}
		if strings.Contains(err.Error(), "SEK") {
			t.Errorf("NewClient(%q): the error echoes the token: %v", tok, err)
		}
	}
}

func TestWithHeaderRefusesOwnedHeaders(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		testutil.Respond(w, http.StatusOK, `{}`)
	}))
	defer srv.Close()
	c, err := NewClient(testToken, WithBaseURL(srv.URL), withNoWait())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"X-Api-Key", "Authorization", "Host", "Content-Length", "Transfer-Encoding", "Content-Type"} {
		if _, err := c.ReferenceDetails.Get(t.Context(), "575657589293", WithHeader(name, "v")); err == nil || !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(name)) {
			t.Errorf("WithHeader(%q): err = %v, want a refusal naming it", name, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

func TestCreateWithDoneContextIsNotSent(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { hits.Add(1) }))
	defer srv.Close()
	c, err := NewClient(testToken, WithBaseURL(srv.URL), withNoWait())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	ref, err := c.References.Create(ctx, &ReferenceParams{Requester: noa, Description: "d"})
	if ref != nil || !errors.Is(err, context.Canceled) || errors.Is(err, ErrOutcomeUnknown) || !strings.Contains(err.Error(), "not sent") {
		t.Fatalf("got %v, %v; want nil and context.Canceled saying nothing was sent", ref, err)
	}
	if hits.Load() != 0 {
		t.Fatal("the request arrived")
	}
}
