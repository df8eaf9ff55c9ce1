package webhook

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/fygaro"
	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/tpaga"
)

// DESIGN: after authentication only the envelope (id, type, dedupe key) may
// answer 400; every other field decodes lazily in accessors. These tests put
// each odd shape in each payload field of an authentic delivery and require
// a 200 with user code run (the accessors may return an error, never panic).

// oddShapes are values a provider might send where pagos expects another.
var oddShapes = []string{`12345`, `"20000.50"`, `"x"`, `{"value":1,"nested":{"a":[]}}`, `[1,"a"]`, `true`, `null`, `""`, `-1.5e300`, `99999999999999999999999`}

// payloadPaths lists the dotted path of every field of a JSON object body
// (arrays through their first element, as "name.0"), except those skipped.
func payloadPaths(t *testing.T, body string, skip ...string) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				p := strings.TrimPrefix(prefix+"."+k, ".")
				if !slices.Contains(skip, p) {
					out = append(out, p)
					walk(p, c)
				}
			}
		case []any:
			if len(x) > 0 {
				p := prefix + ".0"
				out = append(out, p)
				walk(p, x[0])
			}
		}
	}
	walk("", v)
	sort.Strings(out)
	return out
}

// withField returns body with the field at path replaced by raw JSON.
func withField(t *testing.T, body, path, raw string) string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(path, ".")
	cur := v
	for i, p := range parts {
		last := i == len(parts)-1
		switch x := cur.(type) {
		case map[string]any:
			if last {
				x[p] = json.RawMessage(raw)
			}
			cur = x[p]
		case []any:
			n, _ := strconv.Atoi(p)
			if last {
				x[n] = json.RawMessage(raw)
			}
			cur = x[n]
		default:
			t.Fatalf("path %s: %T at %s", path, cur, p)
		}
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// lazyCase runs every odd shape in every path through post, which answers
// the status and whether user code ran.
func lazyCases(t *testing.T, base string, paths []string, post func(t *testing.T, body string) (int, bool)) {
	t.Helper()
	if len(paths) == 0 {
		t.Fatal("no payload paths")
	}
	for _, path := range paths {
		for _, odd := range oddShapes {
			t.Run(path+"="+odd, func(t *testing.T) {
				body := withField(t, base, path, odd)
				code, ran := post(t, body)
				if code != http.StatusOK || !ran {
					t.Fatalf("authentic delivery with %s = %s: answered %d, user code ran: %v; want 200 and user code\nbody: %s", path, odd, code, ran, body)
				}
			})
		}
	}
}

const lazyTokuBody = `{"id":"wheve_1","event_type":"transaction.success","id_account":"acc_1",
 "transaction":{"id":"trs_1","type":"PAYMENT","amount":19990,"currency":"CLP","transaction_date":"2026-03-10T12:00:00.000000","status":"SUCCESS","response_code":0,"voucher":"v","id_checkout_session":"cs","transaction_metadata":{"k":"v"}},
 "customer":{"id":"cus_1","external_id":"e","email":"a@b.cl","government_id":"1-9","name":"Ana","phone_number":"+56","metadata":{"k":"v"},"secondary_emails":["x@y.cl"]},
 "payment_intents":[{"id":"pi_1","amount":"19990","currency":"CLP","id_invoice":"in_1","status":"AUTHORIZED","installments_number":1,"transaction_date":"2026-03-10T12:00:00"}],
 "payment_instrument":{"type":"card","card":{"bin":"424242","last_digits":"4242","three_d_secure":false}},
 "payment_intent":{"id":"pi_1","invoice":"in_1","customer":"cus_1","amount":"19990","transaction_date":"2026-03-10T12:00:00","toku_response_code":"SU0000","installments_number":1},
 "payment":{"id":"pay_1","invoice":"in_1","payment_amount":"19990","payment_date":"2026-03-10","due_date":"2026-03-01"},
 "invoice":{"id":"in_1","customer":"cus_1","amount":19990,"is_paid":true,"due_date":"2026-03-01","metadata":{"k":"v"},"expiration_date":"2026-04-01"},
 "subscription":{"id":"sub_1","amount":19990,"due_day":5,"is_recurring":true,"metadata":{"k":"v"}},
 "payment_method":{"id":"pm_1","type":"card","created_at":"2026-03-10T12:00:00","card":{"bin":"4242"}}}`

func TestTokuHandlerDecodesPayloadLazily(t *testing.T) {
	t.Parallel()
	for _, signed := range []toku.Signed{toku.SignedEventID, toku.SignedBody} {
		t.Run(signed.String(), func(t *testing.T) {
			t.Parallel()
			lazyCases(t, lazyTokuBody, payloadPaths(t, lazyTokuBody, "id", "event_type"), func(t *testing.T, body string) (int, bool) {
				ran := false
				h, err := NewTokuHandler(vecSecret, func(_ context.Context, e *toku.Event) error {
					ran = true
					_, _ = e.PaymentIntent()
					_, _ = e.Payment()
					_, _ = e.Transaction()
					_, _ = e.Invoice()
					_, _ = e.Customer()
					_, _ = e.Subscription()
					_, _ = e.PaymentMethod()
					var ids []string
					_, _ = e.Decode("product_ids", &ids)
					return nil
				}, WithClock(func() time.Time { return fyNow }))
				if err != nil {
					t.Fatal(err)
				}
				sig, err := SignToku([]byte(body), vecSecret, fyNow, signed)
				if err != nil {
					t.Fatal(err)
				}
				r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
				r.Header.Set(TokuSignatureHeader, sig)
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				return w.Code, ran
			})
		})
	}
}

// A numeric id_account keeps its digits; another shape leaves it empty.
func TestTokuAccountIDTolerance(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{`12345`: "12345", `"acc_1"`: "acc_1", `{"id":1}`: "", `null`: ""} {
		e, err := toku.ParseEvent([]byte(`{"id":"e","event_type":"x.y","id_account":` + raw + `}`))
		if err != nil || e.AccountID != want {
			t.Errorf("id_account %s: %+v, %v; want %q", raw, e, err, want)
		}
	}
}

const lazyConektaBody = `{"id":"5b439072583eb80d50b46534","object":"event","type":"charge.paid","livemode":false,"created_at":1531154546,
 "webhook_status":"pending","webhook_logs":[{"id":"webhl_1","url":"https://x","failed_attempts":0,"last_attempted_at":1531154546,"last_http_response_status":200}],
 "data":{"object":{"id":"ch_1","object":"charge","amount":20015,"currency":"MXN","status":"paid","customer_id":"cus_1","order_id":"ord_1","created_at":1531154546,
  "payment_method":{"type":"oxxo","object":"cash_payment","reference":"9300","expires_at":1531154546}},"previous_attributes":{"status":"pending"}}}`

func TestConektaHandlerDecodesPayloadLazily(t *testing.T) {
	t.Parallel()
	keys := []*rsa.PublicKey{&testutil.RSAKey().PublicKey}
	lazyCases(t, lazyConektaBody, payloadPaths(t, lazyConektaBody, "id", "type"), func(t *testing.T, body string) (int, bool) {
		ran := false
		h, err := NewConektaHandler(keys, func(_ context.Context, e *conekta.Event) error {
			ran = true
			_, _ = e.Order()
			_, _ = e.Charge()
			_, _ = e.InboundPayment()
			var m map[string]any
			_ = e.Decode(&m)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.Header.Set(ConektaDigestHeader, signConekta(t, []byte(body)))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code, ran
	})
}

func TestTpagaHandlerDecodesPayloadLazily(t *testing.T) {
	t.Parallel()
	paths := payloadPaths(t, tpagaBody, "reference", "efecty_order_id")
	lazyCases(t, tpagaBody, paths, func(t *testing.T, body string) (int, bool) {
		ran := false
		th := newTpagaHarness(t, func(_ context.Context, n *tpaga.Notification) error {
			ran = true
			_, _ = n.Amount()
			return nil
		})
		return th.post(body), ran
	})
}

// The amount is read on demand: an odd one reaches user code with an error
// from Amount, and the reference may be a number.
func TestTpagaOddAmountsAndReferencesReachUserCode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		body      string
		reference string
		amount    int64 // -1: Amount errs
	}{
		{`{"reference":"R1","amount":"20000.50","efecty_order_id":"1"}`, "R1", -1},
		{`{"reference":"R1","amount":{"value":20000,"currency":"COP"},"efecty_order_id":"1"}`, "R1", -1},
		{`{"reference":"R1","efecty_order_id":"1"}`, "R1", -1},
		{`{"reference":575657589293,"amount":20000,"efecty_order_id":"1"}`, "575657589293", 20000},
	} {
		var got *tpaga.Notification
		th := newTpagaHarness(t, func(_ context.Context, n *tpaga.Notification) error { got = n; return nil })
		if code := th.post(tc.body); code != http.StatusOK || got == nil {
			t.Fatalf("%s: answered %d; want 200 with user code run", tc.body, code)
		}
		if got.Reference != tc.reference || amountOf(got) != tc.amount {
			t.Fatalf("%s: reference %q, amount %d; want %q, %d", tc.body, got.Reference, amountOf(got), tc.reference, tc.amount)
		}
	}
}

func TestFygaroHandlerDecodesPayloadLazily(t *testing.T) {
	t.Parallel()
	// The body repeats customReference and createdAt from the token, which
	// must vouch for them: each odd shape goes in both, and the token's own
	// fields go in the token alone.
	shared := []string{"customReference", "createdAt"}
	paths := append(payloadPaths(t, fyClaims, "reference", "customReference", "createdAt"), shared...)
	for _, path := range paths {
		for _, odd := range oddShapes {
			t.Run(path+"="+odd, func(t *testing.T) {
				claims := withField(t, fyClaims, path, odd)
				tok := fyToken(t, claims, fyKeyID, fySecret)
				body := `{"reference":"FYG-000123","customReference":"order-42","createdAt":1699999990,"jwt":"` + tok + `"}`
				if slices.Contains(shared, path) {
					body = withField(t, body, path, odd)
				}
				ran := false
				fh := newFygaroHarness(t, func(_ context.Context, h *fygaro.Hook) error {
					ran = true
					_, _ = h.Claims()
					_, _ = h.RawClaims()
					return nil
				})
				if w := fh.post([]byte(body)); w.Code != http.StatusOK || !ran {
					t.Fatalf("authentic hook with %s = %s: answered %d %s, user code ran: %v", path, odd, w.Code, bytes.TrimSpace(w.Body.Bytes()), ran)
				}
			})
		}
	}
}
