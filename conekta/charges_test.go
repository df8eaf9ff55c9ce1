package conekta

import (
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
)

// A charge as the spec's charge_response examples show it.
const chargeResponse = `{"amount": 4321, "channel": {"segment": "Checkout", "checkout_request_id": "628fb0b2d1de0a2f6cf3d45a", "checkout_request_type": "HostedPayment", "id": "channel_2tNDzhA4Akmzj11AU"},
  "created_at": 1676386026, "currency": "MXN", "customer_id": "cus_2tN73UdUSNrYRPD9r", "description": "Payment from order",
  "device_fingerprint": "6FR3chaU4Y1nGAW5NAGd1rcjAKa142Ba", "id": "63efa757cf65380001aec040", "livemode": true, "object": "charge",
  "order_id": "ord_2tN73UdUSNrYRPD9r", "paid_at": 1676390742, "payment_method": {"object": "cash_payment", "type": "oxxo", "reference": "93000262276908",
  "barcode_url": "https://s3.amazonaws.com/cash_payment_barcodes/sandbox_reference.png", "expires_at": 1677196303, "service_name": "OxxoPay", "store_name": "OXXO"},
  "reference_id": "ref_2tN73UdUSNrYRPD9r", "refunds": [], "status": "pending_payment", "fee": 0}`

func TestChargesList(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/charges", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "GET", "limit=1&search=ref_2tN73UdUSNrYRPD9r", "")
		respond(w, 200, `{"object":"list","has_more":false,"next_page_url":null,"previous_page_url":null,"data":[`+chargeResponse+`]}`)
	})
	l, err := c.Charges.List(t.Context(), &ListParams{Limit: 1, Search: "ref_2tN73UdUSNrYRPD9r"})
	if err != nil {
		t.Fatal(err)
	}
	ch := l.Data[0]
	if ch.ID != "63efa757cf65380001aec040" || ch.Amount != 4321 || ch.Status != ChargePendingPayment || ch.ReferenceID != "ref_2tN73UdUSNrYRPD9r" ||
		ch.PaymentMethod.Cash == nil || ch.PaymentMethod.Cash.Reference != "93000262276908" || l.HasMore {
		t.Fatalf("charge %+v", ch)
	}
}

func TestChargesAllPagesByID(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var calls atomic.Int32
	mux.HandleFunc("/charges", func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			wire(t, r, "GET", "", "")
			respond(w, 200, `{"object":"list","has_more":true,"data":[{"id":"chr_1","amount":100},{"id":"chr_2","amount":200}]}`)
		default:
			wire(t, r, "GET", "next=chr_2", "")
			respond(w, 200, `{"object":"list","has_more":false,"data":[{"id":"chr_3","amount":300}]}`)
		}
	})
	var sum int64
	for ch, err := range c.Charges.All(t.Context(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		sum += ch.Amount
	}
	if sum != 600 || calls.Load() != 2 {
		t.Fatalf("sum %d over %d pages", sum, calls.Load())
	}
}

func TestChargesUpdateSetsTheReference(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/charges/63efa757cf65380001aec040", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "PUT", "", `{"reference_id":"278482642"}`)
		respond(w, 200, chargeResponse)
	})
	ch, err := c.Charges.Update(t.Context(), "63efa757cf65380001aec040", &ChargeUpdateParams{ReferenceID: "278482642"})
	if err != nil || ch.OrderID != "ord_2tN73UdUSNrYRPD9r" {
		t.Fatalf("%+v, %v", ch, err)
	}
	for _, p := range []*ChargeUpdateParams{nil, {}} {
		if ch, err := c.Charges.Update(t.Context(), "63efa757cf65380001aec040", p); ch != nil || !paramRefused(err) {
			t.Errorf("%+v accepted: %v", p, err)
		}
	}
	if _, err := c.Charges.Update(t.Context(), "..", &ChargeUpdateParams{ReferenceID: "x"}); !paramRefused(err) {
		t.Errorf("dot id accepted: %v", err)
	}
}

func TestChargesCreateOnAnOrder(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/orders/ord_2tN73UdUSNrYRPD9r/charges", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", `{"payment_method":{"type":"cash","expires_at":1680397724},"amount":40000,"reference_id":"A-1"}`)
		respond(w, 200, chargeResponse)
	})
	p := ChargeCash(Unix(1680397724))
	p.Amount, p.ReferenceID = 40000, "A-1"
	ch, err := c.Charges.Create(t.Context(), "ord_2tN73UdUSNrYRPD9r", p)
	if err != nil || ch.ID != "63efa757cf65380001aec040" {
		t.Fatalf("%+v, %v", ch, err)
	}
}

func TestChargesCreateManyAnswersAList(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/orders/ord_2tN73UdUSNrYRPD9r/add_charges", func(w http.ResponseWriter, r *http.Request) {
		// the spec's pay_by_bank example
		wire(t, r, "POST", "", `{"payment_method":{"type":"pay_by_bank","expires_at":1680397724,"product_type":"bbva_pay_by_bank"}}`)
		respond(w, 200, `{"object":"list","has_more":false,"next_page_url":null,"previous_page_url":null,"data":[`+chargeResponse+`]}`)
	})
	l, err := c.Charges.CreateMany(t.Context(), "ord_2tN73UdUSNrYRPD9r",
		&ChargeParams{PaymentMethod: &ChargeMethod{Type: MethodPayByBank, ProductType: "bbva_pay_by_bank", ExpiresAt: Unix(1680397724)}})
	if err != nil || len(l.Data) != 1 || l.Data[0].Amount != 4321 {
		t.Fatalf("%+v, %v", l, err)
	}
}

func TestChargesCreateValidatesBeforeSending(t *testing.T) {
	t.Parallel()
	c, _ := setup(t) // any request fails the test
	for name, p := range map[string]*ChargeParams{
		"nil":            nil,
		"no method":      {},
		"negative":       {PaymentMethod: &ChargeMethod{Type: MethodCash}, Amount: -1},
		"too large":      {PaymentMethod: &ChargeMethod{Type: MethodCash}, Amount: MaxAmount + 1},
		"card no token":  {PaymentMethod: &ChargeMethod{Type: MethodCard}},
		"bnpl no urls":   {PaymentMethod: &ChargeMethod{Type: MethodBNPL, ProductType: "aplazo_bnpl"}},
		"pbb no product": {PaymentMethod: &ChargeMethod{Type: MethodPayByBank}},
		"empty type":     {PaymentMethod: &ChargeMethod{}},
	} {
		if ch, err := c.Charges.Create(t.Context(), "ord_1", p); ch != nil || !paramRefused(err) {
			t.Errorf("%s: accepted: %v", name, err)
		}
		if l, err := c.Charges.CreateMany(t.Context(), "ord_1", p); l != nil || !paramRefused(err) {
			t.Errorf("%s: CreateMany accepted: %v", name, err)
		}
	}
	if _, err := c.Charges.Create(t.Context(), "", ChargeDefault()); !paramRefused(err) {
		t.Errorf("empty order id accepted: %v", err)
	}
}

// A charge create that fails after it may have reached Conekta is not
// repeated, and says so.
func TestChargesCreateIsNeverRepeated(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var calls atomic.Int32
	mux.HandleFunc("/orders/ord_1/charges", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		respond(w, 502, `{"object":"error","type":"api_error","details":[]}`)
	})
	ch, err := c.Charges.Create(t.Context(), "ord_1", ChargeDefault())
	if ch != nil || !errors.Is(err, ErrOutcomeUnknown) || calls.Load() != 1 {
		t.Fatalf("%+v, %v after %d calls", ch, err, calls.Load())
	}
}

func TestOrdersCancelRefund(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var calls atomic.Int32
	mux.HandleFunc("/orders/ord_2tNDzhA4Akmzj11AU/refunds/6407b5bee1329a000175ba11", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "DELETE", "", "")
		if calls.Add(1) == 1 {
			respond(w, 200, cardOrderResponse)
			return
		}
		respond(w, 503, `{"object":"error","type":"api_error","details":[]}`)
	})
	o, err := c.Orders.CancelRefund(t.Context(), "ord_2tNDzhA4Akmzj11AU", "6407b5bee1329a000175ba11")
	if err != nil || o.ID != "ord_2tNDzhA4Akmzj11AU" {
		t.Fatalf("%+v, %v", o, err)
	}
	// A DELETE is usually repeated; this one moves money, so it is not.
	o, err = c.Orders.CancelRefund(t.Context(), "ord_2tNDzhA4Akmzj11AU", "6407b5bee1329a000175ba11")
	if o != nil || !errors.Is(err, ErrOutcomeUnknown) || calls.Load() != 2 {
		t.Fatalf("%+v, %v after %d calls", o, err, calls.Load())
	}
	if _, err := c.Orders.CancelRefund(t.Context(), "ord_1", ".."); !paramRefused(err) {
		t.Errorf("dot refund id accepted: %v", err)
	}
}

// paramRefused reports whether err is a *ParamError: refused before sending.
func paramRefused(err error) bool {
	var pe *ParamError
	return errors.As(err, &pe)
}
