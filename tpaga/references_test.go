package tpaga

import (
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The single-use reference response of Tpaga's guide.
const referenceResponse = `{
  "reference":"575657589293",
  "description":"Referencia para documentar el API de tpaga",
  "amount":null,
  "agreement":"110784",
  "idempotency_token":"c348e1578b91e2f03db5e15a401b99",
  "requester_first_names":"Noa",
  "requester_last_names":"Tamayo Carreño",
  "requester_document_type":"CC",
  "requester_document_number":"111222333",
  "requester_email":"",
  "requester_phone_number":"+573000000000"
}`

// noa is the requester of Tpaga's guide.
var noa = Requester{FirstNames: "Noa", LastNames: "Tamayo Carreño", DocumentType: DocumentCC, DocumentNumber: "111222333", PhoneNumber: "+573000000000"}

func TestReferencesCreate(t *testing.T) {
	t.Parallel()
	c, _, mux := setup(t)
	mux.HandleFunc(api+"/references", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", `{
			"requester_first_names": "Noa",
			"requester_last_names": "Tamayo Carreño",
			"requester_document_type": "CC",
			"requester_document_number": "111222333",
			"requester_phone_number": "+573000000000",
			"idempotency_token": "c348e1578b91e2f03db5e15a401b99",
			"description": "Referencia para documentar el API de tpaga"
		}`)
		respond(w, 201, referenceResponse)
	})
	params := &ReferenceParams{Requester: noa, Description: "Referencia para documentar el API de tpaga", IdempotencyToken: "c348e1578b91e2f03db5e15a401b99"}
	got, err := c.References.Create(t.Context(), params)
	if err != nil {
		t.Fatal(err)
	}
	want := &Reference{Reference: "575657589293", Agreement: "110784", Description: "Referencia para documentar el API de tpaga",
		IdempotencyToken: "c348e1578b91e2f03db5e15a401b99", Requester: noa}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reference (-want +got):\n%s", diff)
	}
}

func TestReferencesCreateGeneratesTokenAndSendsAmount(t *testing.T) {
	t.Parallel()
	c, _, mux := setup(t)
	var sent struct {
		Token  string `json:"idempotency_token"`
		Amount int64  `json:"amount"`
		Email  string `json:"requester_email"`
	}
	mux.HandleFunc(api+"/references", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &sent); err != nil {
			t.Error(err)
		}
		// An answer that does not echo the token: the client still returns it.
		respond(w, 201, `{"reference":"575657589294","agreement":"110784","amount":20000}`)
	})
	params := &ReferenceParams{Requester: noa, Description: "Recarga", Amount: 20000}
	params.Email = "noa@example.com"
	got, err := c.References.Create(t.Context(), params)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{30}$`).MatchString(sent.Token) || got.IdempotencyToken != sent.Token {
		t.Fatalf("sent token %q, returned %q; want the same 30 hex digits", sent.Token, got.IdempotencyToken)
	}
	if sent.Amount != 20000 || got.Amount != 20000 || sent.Email != "noa@example.com" {
		t.Fatalf("sent %+v, got amount %d", sent, got.Amount)
	}
	if params.IdempotencyToken != "" {
		t.Fatal("Create modified the caller's params")
	}
	// 120 random bits each: equal tokens would mean a broken generator, not
	// chance (one run in 2^120).
	if a, b := NewIdempotencyToken(), NewIdempotencyToken(); a == b {
		t.Fatalf("two tokens are equal: %s", a)
	}
}

func TestReferencesCreateValidatesBeforeSending(t *testing.T) {
	t.Parallel()
	c, _, _ := setup(t) // any request would hit the trap
	ok := ReferenceParams{Requester: noa, Description: "Recarga"}
	mod := func(f func(*ReferenceParams)) *ReferenceParams { p := ok; f(&p); return &p }
	cases := []struct {
		field string
		p     *ReferenceParams
	}{
		{"ReferenceParams", nil},
		{"ReferenceParams.Requester.FirstNames", mod(func(p *ReferenceParams) { p.FirstNames = " " })},
		{"ReferenceParams.Requester.LastNames", mod(func(p *ReferenceParams) { p.LastNames = "" })},
		{"ReferenceParams.Requester.DocumentType", mod(func(p *ReferenceParams) { p.DocumentType = "" })},
		{"ReferenceParams.Requester.DocumentType", mod(func(p *ReferenceParams) { p.DocumentType = "NIT" })},
		{"ReferenceParams.Requester.DocumentNumber", mod(func(p *ReferenceParams) { p.DocumentNumber = "" })},
		{"ReferenceParams.Requester.DocumentNumber", mod(func(p *ReferenceParams) { p.DocumentNumber = "111.222.333" })},
		{"ReferenceParams.Requester.DocumentNumber", mod(func(p *ReferenceParams) { p.DocumentNumber = "AB123" })},
		{"ReferenceParams.Requester.PhoneNumber", mod(func(p *ReferenceParams) { p.PhoneNumber = "300 000 0000" })},
		{"ReferenceParams.Requester.Email", mod(func(p *ReferenceParams) { p.Email = "noa" })},
		{"ReferenceParams.Description", mod(func(p *ReferenceParams) { p.Description = "" })},
		{"ReferenceParams.Amount", mod(func(p *ReferenceParams) { p.Amount = -1 })},
		{"ReferenceParams.IdempotencyToken", mod(func(p *ReferenceParams) { p.IdempotencyToken = "has space" })},
		{"ReferenceParams.IdempotencyToken", mod(func(p *ReferenceParams) { p.IdempotencyToken = strings.Repeat("a", 256) })},
	}
	for _, tc := range cases {
		_, err := c.References.Create(t.Context(), tc.p)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Field != tc.field || !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("Create(%+v) err = %v, want ParamError on %s", tc.p, err, tc.field)
		}
	}
	// A CE may carry letters.
	ce := mod(func(p *ReferenceParams) { p.DocumentType = DocumentCE; p.DocumentNumber = "AB123" })
	if err := ce.check(); err != nil {
		t.Errorf("CE with letters refused: %v", err)
	}
}

// tokenServer plays Tpaga's idempotency: a token seen before returns the
// reference it made. fail decides, per attempt, how to fail after the
// request was read and acted on ("" answers normally).
type tokenServer struct {
	mu     sync.Mutex
	tokens []string          // the token of every attempt, in order
	refs   map[string]string // token → reference
	fail   func(attempt int) string
}

func (s *tokenServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var p struct {
		Token string `json:"idempotency_token"`
	}
	b, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(b, &p)
	s.mu.Lock()
	s.tokens = append(s.tokens, p.Token)
	attempt := len(s.tokens)
	ref, ok := s.refs[p.Token]
	if !ok {
		ref = "57565758929" + string(rune('0'+len(s.refs)))
		s.refs[p.Token] = ref
	}
	s.mu.Unlock()
	switch s.fail(attempt) {
	case "drop":
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close() // Tpaga made the reference, then the line dropped
		return
	case "502":
		respond(w, 502, `<html>bad gateway</html>`)
		return
	}
	respond(w, 201, `{"reference":"`+ref+`","agreement":"110784","idempotency_token":"`+p.Token+`"}`)
}

// seen returns the tokens of every attempt and the references made.
func (s *tokenServer) seen() ([]string, map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.tokens...), maps.Clone(s.refs)
}

// A create that reached Tpaga and failed on the way back is retried with the
// same token, and Tpaga's idempotency returns the first reference: one
// reference, the same token twice on the wire.
func TestReferencesCreateRetryNeverMakesASecondReference(t *testing.T) {
	t.Parallel()
	for _, failure := range []string{"drop", "502"} {
		t.Run(failure, func(t *testing.T) {
			t.Parallel()
			c, _, mux := setup(t)
			ts := &tokenServer{refs: map[string]string{}, fail: func(n int) string {
				if n == 1 {
					return failure
				}
				return ""
			}}
			mux.Handle(api+"/references", ts)
			ref, err := c.References.Create(t.Context(), &ReferenceParams{Requester: noa, Description: "Recarga"})
			if err != nil {
				t.Fatal(err)
			}
			tokens, refs := ts.seen()
			if len(tokens) != 2 || tokens[0] != tokens[1] || tokens[0] == "" {
				t.Fatalf("tokens on the wire %q, want the same token twice", tokens)
			}
			if len(refs) != 1 || ref.Reference != refs[tokens[0]] || ref.IdempotencyToken != tokens[0] {
				t.Fatalf("references made %v, returned %+v; want exactly one", refs, ref)
			}
		})
	}
}

// When every attempt fails, the error names the token, and repeating the
// create with it returns the reference Tpaga made.
func TestReferencesCreateOutcomeUnknownCarriesToken(t *testing.T) {
	t.Parallel()
	c, _, mux := setup(t, WithMaxRetries(2))
	var up atomic.Bool
	ts := &tokenServer{refs: map[string]string{}, fail: func(int) string {
		if !up.Load() {
			return "502"
		}
		return ""
	}}
	mux.Handle(api+"/references", ts)
	_, err := c.References.Create(t.Context(), &ReferenceParams{Requester: noa, Description: "Recarga"})
	var ou *OutcomeUnknownError
	var te *Error
	tokens, _ := ts.seen()
	if !errors.Is(err, ErrOutcomeUnknown) || !errors.As(err, &ou) || !errors.As(err, &te) || te.StatusCode != 502 || len(tokens) != 3 {
		t.Fatalf("err = %v after %d attempts; want ErrOutcomeUnknown around the 502 after 3", err, len(tokens))
	}
	token, ok := strings.CutPrefix(ou.Sent, "idempotency_token=")
	if !ok || token != tokens[0] {
		t.Fatalf("Sent = %q, want the token sent (%s)", ou.Sent, tokens[0])
	}
	up.Store(true)
	ref, err := c.References.Create(t.Context(), &ReferenceParams{Requester: noa, Description: "Recarga", IdempotencyToken: token})
	_, refs := ts.seen()
	if err != nil || len(refs) != 1 || ref.Reference != refs[token] {
		t.Fatalf("repeat with the token: %+v, %v; references made %v", ref, err, refs)
	}
}
