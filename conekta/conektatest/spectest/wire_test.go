package spectest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/pagos-go/pagos/conekta/conektatest"
	"github.com/pagos-go/pagos/internal/testutil"
)

// rawClient sends JSON to the fake as Conekta's own SDKs do, through the
// OpenAPI check, and decodes the answer as a generic object.
type rawClient struct {
	t   *testing.T
	srv *conektatest.Server
	hc  *http.Client
}

func newRawClient(t *testing.T) *rawClient {
	t.Helper()
	srv := conektatest.NewServer(t, conektatest.WithSigningKey(testutil.RSAKey()))
	return &rawClient{t: t, srv: srv, hc: &http.Client{Transport: newSpecTransport(t)}}
}

func (rc *rawClient) do(method, path, body string) (int, map[string]any) {
	rc.t.Helper()
	req, err := http.NewRequestWithContext(rc.t.Context(), method, rc.srv.URL+path, strings.NewReader(body))
	if err != nil {
		rc.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+rc.srv.APIKey)
	req.Header.Set("Accept", "application/vnd.conekta-v2.3.0+json")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := rc.hc.Do(req)
	if err != nil {
		rc.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		rc.t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		rc.t.Fatalf("%s %s: %v in %s", method, path, err, b)
	}
	return resp.StatusCode, m
}

// ok sends a request that must succeed.
func (rc *rawClient) ok(method, path, body string) map[string]any {
	rc.t.Helper()
	status, m := rc.do(method, path, body)
	if status != http.StatusOK {
		rc.t.Fatalf("%s %s = %d %v", method, path, status, m)
	}
	return m
}

// field walks a decoded answer: keys of objects, "0" for a list's first
// item.
func field(t *testing.T, v any, path ...string) any {
	t.Helper()
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[p]; !ok {
				t.Fatalf("no %q in %v", p, x)
			}
		case []any:
			if len(x) == 0 {
				t.Fatalf("empty list where %q was wanted", p)
			}
			v = x[0]
		default:
			t.Fatalf("%q in %v, which is not an object", p, v)
		}
	}
	return v
}

func wantField(t *testing.T, m map[string]any, want any, path ...string) {
	t.Helper()
	if got := field(t, m, path...); got != want {
		t.Errorf("%s = %#v, want %#v", strings.Join(path, "."), got, want)
	}
}

// The phone is required with no minimum length: "" is accepted, a missing
// phone is not.
func TestCustomerPhoneMayBeEmpty(t *testing.T) {
	t.Parallel()
	rc := newRawClient(t)
	cus := rc.ok("POST", "/customers", `{"name":"Ana López","email":"ana@example.com","phone":""}`)
	wantField(t, cus, "", "phone")
	if status, _ := rc.do("POST", "/customers", `{"name":"Ana López","email":"ana@example.com"}`); status != http.StatusUnprocessableEntity {
		t.Errorf("customer without a phone: %d, want 422", status)
	}
	// The same holds for an order's customer_info.
	const order = `{"currency":"MXN","line_items":[{"name":"Vasija de Cerámica","unit_price":20015,"quantity":1}],"customer_info":`
	o := rc.ok("POST", "/orders", order+`{"name":"Ana López","email":"ana@example.com","phone":""}}`)
	wantField(t, o, "", "customer_info", "phone")
	if status, _ := rc.do("POST", "/orders", order+`{"name":"Ana López","email":"ana@example.com"}}`); status != http.StatusUnprocessableEntity {
		t.Errorf("customer_info without a phone: %d, want 422", status)
	}
}

// The fake sends the optional fields Conekta sends, even when empty.
func TestFakeSendsConektasOptionalFields(t *testing.T) {
	t.Parallel()
	rc := newRawClient(t)
	cus := rc.ok("POST", "/customers", `{"name":"Felipe Gómez","email":"felipe@example.com","phone":"+5215555555555",
		"payment_sources":[{"type":"card","token_id":"`+conektatest.TokenVisa+`"}]}`)
	wantField(t, cus, false, "corporate")
	wantField(t, cus, "", "custom_reference")
	if _, ok := field(t, cus, "metadata").(map[string]any); !ok {
		t.Errorf("metadata = %v, want an object", cus["metadata"])
	}
	wantField(t, cus, nil, "payment_sources", "next_page_url")
	wantField(t, cus, nil, "payment_sources", "previous_page_url")
	wantField(t, cus, "BANAMEX", "payment_sources", "data", "0", "issuer")
	cusID := field(t, cus, "id").(string)

	o := rc.ok("POST", "/orders", `{"currency":"MXN","customer_info":{"customer_id":"`+cusID+`"},
		"line_items":[{"name":"Vasija de Cerámica","unit_price":20015,"quantity":1}],
		"charges":[{"payment_method":{"type":"default"},"reference_id":"pedido-7"}]}`)
	orderID := field(t, o, "id").(string)
	wantField(t, o, "customer_info", "customer_info", "object")
	wantField(t, o, "line_item", "line_items", "data", "0", "object")
	wantField(t, o, orderID, "line_items", "data", "0", "parent_id")
	wantField(t, o, nil, "line_items", "next_page_url")
	wantField(t, o, nil, "charges", "previous_page_url")
	wantField(t, o, "pedido-7", "charges", "data", "0", "reference_id")
	if _, ok := field(t, o, "charges", "data", "0", "refunds").(map[string]any); !ok {
		t.Errorf("charge refunds = %v, want a list", field(t, o, "charges", "data", "0"))
	}

	// A refund keeps its reason.
	o = rc.ok("POST", "/orders/"+orderID+"/refunds", `{"amount":5000,"reason":"requested_by_client"}`)
	wantField(t, o, "requested_by_client", "charges", "data", "0", "refunds", "data", "0", "reason")

	wh := rc.ok("POST", "/webhooks", `{"url":"https://example.com/conekta"}`)
	wantField(t, wh, "", "description")
}

// A SPEI charge answers a bank_transfer_payment with the CLABE and bank to
// pay to.
func TestSPEIOrderCharge(t *testing.T) {
	t.Parallel()
	rc := newRawClient(t)
	o := rc.ok("POST", "/orders", `{"currency":"MXN","customer_info":{"name":"Ana López","email":"ana@example.com","phone":"+5215555555555"},
		"line_items":[{"name":"Vasija de Cerámica","unit_price":20015,"quantity":1}],
		"charges":[{"payment_method":{"type":"spei"}}]}`)
	wantField(t, o, "pending_payment", "payment_status")
	wantField(t, o, "bank_transfer_payment", "charges", "data", "0", "payment_method", "object")
	wantField(t, o, "spei", "charges", "data", "0", "payment_method", "type")
	wantField(t, o, "STP", "charges", "data", "0", "payment_method", "bank")
	clabe, _ := field(t, o, "charges", "data", "0", "payment_method", "clabe").(string)
	if len(clabe) != 18 || strings.Trim(clabe, "0123456789") != "" {
		t.Errorf("clabe %q is not 18 digits", clabe)
	}
}

// Deleting a payment source answers it with deleted: true.
func TestDeletePaymentSourceSaysDeleted(t *testing.T) {
	t.Parallel()
	rc := newRawClient(t)
	cus := rc.ok("POST", "/customers", `{"name":"Felipe Gómez","email":"felipe@example.com","phone":"+5215555555555",
		"payment_sources":[{"type":"card","token_id":"`+conektatest.TokenVisa+`"}]}`)
	cusID := field(t, cus, "id").(string)
	srcID := field(t, cus, "payment_sources", "data", "0", "id").(string)
	src := rc.ok("DELETE", "/customers/"+cusID+"/payment_sources/"+srcID, "")
	wantField(t, src, true, "deleted")
	wantField(t, src, srcID, "id")
}
