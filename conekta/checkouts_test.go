package conekta

import (
	"encoding/json"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A payment link as the spec's checkout_response examples show it.
const checkoutResponse = `{"allowed_payment_methods": ["cash", "card", "bank_transfer"], "plan_ids": ["plan_123", "plan_456"], "can_not_expire": false,
  "emails_sent": 0, "exclude_card_networks": ["visa", "amex"], "expires_at": 1680397724, "failure_url": "https://pay.conekta.com/failure",
  "force_3ds_flow": false, "id": "b0bf16c4-18b9-445e-ba24-01604f329dbf", "livemode": true, "metadata": {"key": "value"},
  "monthly_installments_enabled": false, "monthly_installments_options": [3, 6, 12], "name": "Payment Link Name 1594138857",
  "needs_shipping_contact": false, "object": "checkout", "paid_payments_count": 0, "payments_limit_count": 5, "recurrent": false,
  "redirection_time": 30, "slug": "b0bf16c418b9445eba2401604f329dbf", "starts_at": 1677650400, "status": "Issued",
  "success_url": "https://pay.conekta.com/success", "type": "PaymentLink", "url": "https://pay.conekta.com/link/b0bf16c418b9445eba2401604f329dbf"}`

func TestCheckoutsCreate(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/checkouts", func(w http.ResponseWriter, r *http.Request) {
		// the spec's create_checkout_with_plan_ids example
		wire(t, r, "POST", "", `{"allowed_payment_methods":["card"],"expires_at":1745331574,"name":"Payment Link con Plan","recurrent":false,"type":"PaymentLink",
			"order_template":{"currency":"MXN","customer_info":{"email":"ejemplo@conekta.com","name":"Cliente Ejemplo","phone":"5555555555"},
			"line_items":[{"name":"Producto de Ejemplo","quantity":1,"unit_price":15000}],"metadata":{"more_info":"datos_adicionales","reference":"mi_referencia_123"}},
			"plan_ids":["plan_ejemplo_1","plan_ejemplo_2"]}`)
		respond(w, 200, checkoutResponse)
	})
	got, err := c.Checkouts.Create(t.Context(), &CheckoutParams{
		Name: "Payment Link con Plan", ExpiresAt: Unix(1745331574), AllowedPaymentMethods: []CheckoutMethod{CheckoutCard},
		PlanIDs: []string{"plan_ejemplo_1", "plan_ejemplo_2"},
		OrderTemplate: &CheckoutOrderTemplate{Currency: "MXN",
			CustomerInfo: &CustomerInfo{Email: "ejemplo@conekta.com", Name: "Cliente Ejemplo", Phone: "5555555555"},
			LineItems:    []*LineItem{{Name: "Producto de Ejemplo", Quantity: 1, UnitPrice: 15000}},
			Metadata:     Metadata{"more_info": "datos_adicionales", "reference": "mi_referencia_123"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &Checkout{ID: "b0bf16c4-18b9-445e-ba24-01604f329dbf", Object: "checkout", Livemode: true, Name: "Payment Link Name 1594138857",
		Type: CheckoutPaymentLink, Status: CheckoutIssued, URL: "https://pay.conekta.com/link/b0bf16c418b9445eba2401604f329dbf",
		Slug: "b0bf16c418b9445eba2401604f329dbf", PaymentsLimitCount: 5, AllowedPaymentMethods: []CheckoutMethod{"cash", "card", "bank_transfer"},
		ExcludeCardNetworks: []string{"visa", "amex"}, MonthlyInstallmentsOptions: []int{3, 6, 12}, PlanIDs: []string{"plan_123", "plan_456"},
		SuccessURL: "https://pay.conekta.com/success", FailureURL: "https://pay.conekta.com/failure", RedirectionTime: 30,
		StartsAt: Unix(1677650400), ExpiresAt: Unix(1680397724), Metadata: Metadata{"key": "value"}}
	if diff := cmp.Diff(want, got, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Raw" }, cmp.Ignore())); diff != "" {
		t.Errorf("checkout (-want +got):\n%s", diff)
	}
	if len(got.Raw) == 0 {
		t.Error("Raw is empty")
	}
}

func TestCheckoutsCreateValidatesBeforeSending(t *testing.T) {
	t.Parallel()
	c, _ := setup(t)
	ok := func() *CheckoutParams {
		return &CheckoutParams{Name: "Clase de yoga", ExpiresAt: Unix(1745331574),
			OrderTemplate: &CheckoutOrderTemplate{Currency: "MXN", LineItems: []*LineItem{{Name: "Clase", UnitPrice: 15000, Quantity: 1}}}}
	}
	for name, change := range map[string]func(p *CheckoutParams){
		"no name":      func(p *CheckoutParams) { p.Name = "" },
		"no expiry":    func(p *CheckoutParams) { p.ExpiresAt = Time{} },
		"no template":  func(p *CheckoutParams) { p.OrderTemplate = nil },
		"no items":     func(p *CheckoutParams) { p.OrderTemplate.LineItems = nil },
		"bad currency": func(p *CheckoutParams) { p.OrderTemplate.Currency = "pesos" },
		"both methods": func(p *CheckoutParams) {
			p.AllowedPaymentMethods, p.ExcludedPaymentMethods = []CheckoutMethod{"card"}, []CheckoutMethod{"cash"}
		},
		"limit":           func(p *CheckoutParams) { p.PaymentsLimitCount = 128 },
		"redirection":     func(p *CheckoutParams) { p.RedirectionTime = -1 },
		"installments":    func(p *CheckoutParams) { p.MonthlyInstallmentsOptions = []int{0} },
		"success url":     func(p *CheckoutParams) { p.SuccessURL = "ftp://x" },
		"bad email":       func(p *CheckoutParams) { p.OrderTemplate.CustomerInfo = &CustomerInfo{Email: "nope"} },
		"negative price":  func(p *CheckoutParams) { p.OrderTemplate.LineItems[0].UnitPrice = -1 },
		"discount":        func(p *CheckoutParams) { p.OrderTemplate.DiscountLines = []*DiscountLineParams{{Amount: 1}} },
		"tax":             func(p *CheckoutParams) { p.OrderTemplate.TaxLines = []*TaxLineParams{{Amount: 1}} },
		"nested metadata": func(p *CheckoutParams) { p.OrderTemplate.Metadata = Metadata{"k": map[string]any{}} },
	} {
		p := ok()
		change(p)
		if co, err := c.Checkouts.Create(t.Context(), p); co != nil || !paramRefused(err) {
			t.Errorf("%s: accepted: %v", name, err)
		}
	}
	if co, err := c.Checkouts.Create(t.Context(), nil); co != nil || !paramRefused(err) {
		t.Errorf("nil accepted: %v", err)
	}
}

func TestCheckoutsGetListCancelEmail(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	ctx := t.Context()
	const id = "b0bf16c4-18b9-445e-ba24-01604f329dbf"
	var emails atomic.Int32
	mux.HandleFunc("GET /checkouts/"+id, func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "GET", "", "")
		respond(w, 200, checkoutResponse)
	})
	mux.HandleFunc("GET /checkouts", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "GET", "limit=5&search=yoga", "")
		respond(w, 200, `{"object":"list","has_more":false,"next_page_url":null,"previous_page_url":null,"data":[`+checkoutResponse+`]}`)
	})
	mux.HandleFunc("PUT /checkouts/"+id+"/cancel", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "PUT", "", "")
		respond(w, 200, checkoutResponse)
	})
	mux.HandleFunc("POST /checkouts/"+id+"/email", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", `{"email":"example@conekta.com"}`)
		if emails.Add(1) > 1 {
			respond(w, 500, `{"object":"error","type":"api_error","details":[]}`)
			return
		}
		respond(w, 200, checkoutResponse)
	})
	if co, err := c.Checkouts.Get(ctx, id); err != nil || co.ID != id {
		t.Fatalf("%+v, %v", co, err)
	}
	n := 0
	for co, err := range c.Checkouts.All(ctx, &ListParams{Limit: 5, Search: "yoga"}) {
		if err != nil || co.Slug != "b0bf16c418b9445eba2401604f329dbf" {
			t.Fatalf("%+v, %v", co, err)
		}
		n++
	}
	if n != 1 {
		t.Fatalf("All gave %d links", n)
	}
	if co, err := c.Checkouts.Cancel(ctx, id); err != nil || co == nil {
		t.Fatalf("%+v, %v", co, err)
	}
	if co, err := c.Checkouts.Email(ctx, id, "example@conekta.com"); err != nil || co == nil {
		t.Fatalf("%+v, %v", co, err)
	}
	// An email that may have gone out is not sent again.
	if co, err := c.Checkouts.Email(ctx, id, "example@conekta.com"); co != nil || !errors.Is(err, ErrOutcomeUnknown) || emails.Load() != 2 {
		t.Fatalf("%+v, %v after %d calls", co, err, emails.Load())
	}
	for name, call := range map[string]func() (*Checkout, error){
		"email empty":  func() (*Checkout, error) { return c.Checkouts.Email(ctx, id, "") },
		"email bad":    func() (*Checkout, error) { return c.Checkouts.Email(ctx, id, "not-an-email") },
		"get dot":      func() (*Checkout, error) { return c.Checkouts.Get(ctx, "..") },
		"cancel empty": func() (*Checkout, error) { return c.Checkouts.Cancel(ctx, "") },
	} {
		if co, err := call(); co != nil || !paramRefused(err) {
			t.Errorf("%s: accepted: %v", name, err)
		}
	}
}

// FuzzDecodeCommerce: payment links, orders with their lines and charge
// lists come from the network and must never panic; what decodes keeps Raw.
func FuzzDecodeCommerce(f *testing.F) {
	f.Add([]byte(checkoutResponse))
	f.Add([]byte(discountLineResponse))
	f.Add([]byte(`{"id":"ord_1","discount_lines":{"data":[` + discountLineResponse + `]},"shipping_lines":[` + shippingLineResponse + `],"tax_lines":{"data":[` + taxLineResponse + `]}}`))
	f.Add([]byte(`{"object":"list","has_more":true,"data":[` + chargeResponse + `]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var co Checkout
		if json.Unmarshal(b, &co) == nil && len(co.Raw) == 0 {
			t.Fatalf("a decoded checkout has no Raw: %s", b)
		}
		var o Order
		_ = json.Unmarshal(b, &o)
		var l List[*Charge]
		_ = json.Unmarshal(b, &l)
		var d DiscountLine
		_ = json.Unmarshal(b, &d)
	})
}
