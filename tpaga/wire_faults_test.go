package tpaga

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/internal/testutil/providertest"
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
	c := testutil.Must(NewClient(testToken, append([]Option{WithBaseURL(srv.URL), withNoWait()}, opts...)...))(t)
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
			providertest.SentOnceOutcomeUnknown(t, srv, api+"/permanent_references", err, tc.key)
		})
		t.Run("single-use reference without retries, "+tc.name, func(t *testing.T) {
			t.Parallel()
			c, srv := dropOnReuseClient(t, WithMaxRetries(0))
			_, err := c.References.Create(t.Context(), &ReferenceParams{Requester: noa, Description: "d", IdempotencyToken: "c348e1578b91e2f03db5e15a401b99"}, tc.opts...)
			providertest.SentOnceOutcomeUnknown(t, srv, api+"/references", err, "c348e1578b91e2f03db5e15a401b99")
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
	url, hits := testutil.Counting(t, http.StatusOK, `{}`)
	c := testutil.Must(NewClient(testToken, WithBaseURL(url), withNoWait()))(t)
	sim := testutil.Must(NewEfectySimulator(EfectyStagingAPIKey, WithBaseURL(url), withNoWait()))(t)
	ctx := t.Context()
	calls := map[string]func(string) error{
		"PermanentReferences.Enable":  func(id string) error { _, err := c.PermanentReferences.Enable(ctx, id); return err },
		"PermanentReferences.Disable": func(id string) error { _, err := c.PermanentReferences.Disable(ctx, id); return err },
		"ReferenceDetails.Get":        func(id string) error { _, err := c.ReferenceDetails.Get(ctx, id); return err },
		"EfectySimulator.Lookup":      func(id string) error { _, err := sim.Lookup(ctx, id); return err },
	}
	for name, call := range calls {
		providertest.DotSegmentsRefused(t, name, "reference", call)
	}
	providertest.NoneArrived(t, hits)
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
	c := testutil.Must(NewClient(testToken, WithBaseURL(srv.URL), withNoWait()))(t)
	_, err := c.ReferenceDetails.Get(t.Context(), "575657589293")
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
	providertest.CredentialsRefused(t, []string{"SEKRIT\x00", "SEK\tRIT", "SEKRITñ", "SEK RIT", "SEKRIT\x7f"},
		"SEK", func(tok string) error { _, err := NewClient(tok, WithBaseURL(StagingURL)); return err })
}

func TestWithHeaderRefusesOwnedHeaders(t *testing.T) {
	t.Parallel()
	url, hits := testutil.Counting(t, http.StatusOK, `{}`)
	c := testutil.Must(NewClient(testToken, WithBaseURL(url), withNoWait()))(t)
	providertest.HeadersRefused(t, []string{"X-Api-Key", "Authorization", "Host", "Content-Length", "Transfer-Encoding", "Content-Type"}, func(name string) error {
		_, err := c.ReferenceDetails.Get(t.Context(), "575657589293", WithHeader(name, "v"))
		return err
	})
	providertest.NoneArrived(t, hits)
}

func TestCreateWithDoneContextIsNotSent(t *testing.T) {
	t.Parallel()
	url, hits := testutil.Counting(t, http.StatusOK, `{}`)
	c := testutil.Must(NewClient(testToken, WithBaseURL(url), withNoWait()))(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	ref, err := c.References.Create(ctx, &ReferenceParams{Requester: noa, Description: "d"})
	if ref != nil {
		t.Fatalf("got %v, %v; want nil", ref, err)
	}
	providertest.CanceledNotSent(t, err, hits)
}
