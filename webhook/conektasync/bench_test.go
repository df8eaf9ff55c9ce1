package conektasync_test

import (
	"context"
	"crypto/rsa"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/webhook"
	"github.com/pagos-go/pagos/webhook/conektasync"
)

// lookupResponder approves every lookup for the same range as the baseline.
type lookupResponder struct{}

func (lookupResponder) Lookup(context.Context, *conekta.Event, *conekta.InboundPayment) (conekta.InboundAnswer, error) {
	return conekta.ApproveLookup(5000, 1000000), nil
}
func (lookupResponder) PaymentAttempt(context.Context, *conekta.Event, *conekta.InboundPayment) (conekta.InboundAnswer, error) {
	return conekta.ApprovePayment(), nil
}
func (lookupResponder) Reverse(context.Context, *conekta.Event, *conekta.InboundPayment) error {
	return nil
}

// signedLookups returns two signed lookups with different event ids.
func signedLookups(b *testing.B) (bodies [2]string, digests [2]string) {
	for i, id := range []string{"5b438f82583eb80d50b4652c", "5b438f82583eb80d50b4652d"} {
		body := testutil.ConektaLookup(id)
		d, err := webhook.SignConekta(body, testutil.RSAKey())
		if err != nil {
			b.Fatal(err)
		}
		bodies[i], digests[i] = string(body), d
	}
	return bodies, digests
}

func benchLookups(b *testing.B, h http.Handler) {
	bodies, digests := signedLookups(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, "/conekta/approval", strings.NewReader(bodies[i&1]))
		r.Header.Set(webhook.ConektaDigestHeader, digests[i&1])
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"payable":true`) {
			b.Fatalf("%d %s", w.Code, w.Body.String())
		}
		i++
	}
}

// BenchmarkConektaSyncLookup is the sync handler answering a lookup in
// process: POST check, body limit, Digest verification, envelope and
// payment decode, the responder under its budget, the answer. Two event
// ids alternate with a memory of one, so every request takes the full path
// rather than a remembered answer.
func BenchmarkConektaSyncLookup(b *testing.B) {
	h, err := conektasync.NewHandler(conektasync.Auth{Keys: []*rsa.PublicKey{&testutil.RSAKey().PublicKey}}, lookupResponder{},
		conektasync.WithRemember(1))
	if err != nil {
		b.Fatal(err)
	}
	benchLookups(b, h)
}

// BenchmarkConektaSyncLookupBaseline does only the irreducible work with
// net/http and no pagos code: read, RSA-verify the Digest, decode, encode
// the same answer.
func BenchmarkConektaSyncLookupBaseline(b *testing.B) {
	benchLookups(b, testutil.ConektaBaseline(&testutil.RSAKey().PublicKey))
}
