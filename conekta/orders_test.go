package conekta

import (
	"encoding/json"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// An on-demand card order as the 2.3.0 spec answers it.
const cardOrderResponse = `{
  "livemode": false, "amount": 20015, "currency": "MXN", "payment_status": "paid", "amount_refunded": 0,
  "customer_info": {"email": "felipe@example.com", "phone": "+5215555555555", "name": "Felipe Gomez", "object": "customer_info", "customer_id": "cus_2qUBQEkFJ7Kw4GVTJ"},
  "object": "order", "id": "ord_2tNDzhA4Akmzj11AU", "metadata": {"order_ref": "A-1001"}, "is_refundable": true,
  "created_at": 1700000000, "updated_at": 1700000001,
  "line_items": {"object": "list", "has_more": false, "total": 1, "data": [{"name": "Vasija de Cerámica", "unit_price": 20015, "quantity": 1,
    "description": "Description", "sku": "SKU", "object": "line_item", "id": "line_item_2tNDzhA4Akmzj11AT", "parent_id": "ord_2tNDzhA4Akmzj11AU", "metadata": {}}]},
  "charges": {"object": "list", "has_more": false, "total": 1, "data": [{"id": "6553c8a0b2b1cd0001f2a9d3", "livemode": false, "created_at": 1700000000,
    "currency": "MXN", "payment_method": {"name": "Felipe Gomez", "exp_month": "12", "exp_year": "30", "auth_code": "123456", "object": "card_payment",
    "type": "credit", "last4": "4242", "brand": "visa", "issuer": "BANAMEX", "account_type": "Credit", "country": "MX"},
    "object": "charge", "description": "Payment from order", "status": "paid", "amount": 20015, "paid_at": 1700000001, "fee": 893,
    "customer_id": "cus_2qUBQEkFJ7Kw4GVTJ", "order_id": "ord_2tNDzhA4Akmzj11AU"}]}
}`

func TestOrdersCreateChargesTheDefaultSource(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/orders", func(w http.ResponseWriter, r *http.Request) {
		// charges at the order's top level, as 2.3.0 requires
		wire(t, r, "POST", "", `{"currency":"MXN","customer_info":{"customer_id":"cus_2qUBQEkFJ7Kw4GVTJ"},
			"line_items":[{"name":"Vasija de Cerámica","unit_price":20015,"quantity":1,"description":"Description","sku":"SKU"}],
			"charges":[{"payment_method":{"type":"default"}}],"metadata":{"order_ref":"A-1001"}}`)
		respond(w, 200, cardOrderResponse)
	})
	got, err := c.Orders.Create(t.Context(), &OrderParams{
		Currency: "MXN", CustomerInfo: &CustomerInfo{CustomerID: "cus_2qUBQEkFJ7Kw4GVTJ"},
		LineItems: []*LineItem{{Name: "Vasija de Cerámica", UnitPrice: 20015, Quantity: 1, Description: "Description", SKU: "SKU"}},
		Charges:   []*ChargeParams{ChargeDefault()}, Metadata: Metadata{"order_ref": "A-1001"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != "ord_2tNDzhA4Akmzj11AU" || got.Amount != 20015 || got.PaymentStatus != OrderPaid || got.CustomerInfo.CustomerID != "cus_2qUBQEkFJ7Kw4GVTJ" ||
		got.LineItems.Data[0].ID != "line_item_2tNDzhA4Akmzj11AT" || got.Metadata["order_ref"] != "A-1001" {
		t.Fatalf("order %+v", got)
	}
	ch := got.Charges.Data[0]
	if ch.Status != ChargePaid || ch.Fee != 893 || ch.PaidAt.Unix() != 1700000001 || ch.PaymentMethod.Cash != nil {
		t.Fatalf("charge %+v", ch)
	}
	want := &CardPayment{Last4: "4242", Brand: "visa", Name: "Felipe Gomez", ExpMonth: "12", ExpYear: "30", AuthCode: "123456", Issuer: "BANAMEX", AccountType: "Credit", Country: "MX"}
	if diff := cmp.Diff(want, ch.PaymentMethod.Card); diff != "" {
		t.Errorf("card payment (-want +got):\n%s", diff)
	}
}

// The spec's cash order example: the reference is a JSON number too large
// for any integer type.
func TestCashOrderKeepsNumericReference(t *testing.T) {
	t.Parallel()
	var o Order
	body := `{"id":"ord_2xayxSvfWzQ2TLz7r","object":"order","amount":1560,"currency":"MXN","payment_status":"pending_payment","livemode":true,"created_at":1741103510,
		"charges":{"object":"list","has_more":false,"total":1,"data":[{"id":"67c72196e777ac0001f2140c","livemode":true,"created_at":1741103510,"currency":"MXN",
		"payment_method":{"service_name":"Cash","barcode_url":"https://barcodes.conekta.com/cash/cashin/datalogic/10001140326893401915.png","object":"cash_payment","type":"cash",
		"expires_at":1743724800,"store_names":["7 Eleven","Soriana"],"reference":10001140326893401915,"product_type":"cash_in"},
		"object":"charge","status":"pending_payment","amount":1560,"customer_id":"","order_id":"ord_2xayxSvfWzQ2TLz7r"}]}}`
	if err := json.Unmarshal([]byte(body), &o); err != nil {
		t.Fatal(err)
	}
	pm := o.Charges.Data[0].PaymentMethod
	if o.PaymentStatus != OrderPendingPayment || pm.Object != PaymentCash || pm.Cash.Reference != "10001140326893401915" || pm.Cash.ExpiresAt.Unix() != 1743724800 || pm.Card != nil {
		t.Fatalf("cash order %+v / %+v", o, pm.Cash)
	}
}

func TestOrdersCreateValidatesBeforeSending(t *testing.T) {
	t.Parallel()
	c, _ := setup(t)
	item := []*LineItem{{Name: "x", UnitPrice: 100, Quantity: 1}}
	ok := OrderParams{Currency: "MXN", CustomerInfo: &CustomerInfo{CustomerID: "cus_1"}, LineItems: item}
	mod := func(f func(*OrderParams)) *OrderParams { p := ok; f(&p); return &p }
	cases := []struct {
		field string
		p     *OrderParams
	}{
		{"OrderParams", nil},
		{"OrderParams.Currency", mod(func(p *OrderParams) { p.Currency = "" })},
		{"OrderParams.CustomerInfo", mod(func(p *OrderParams) { p.CustomerInfo = nil })},
		{"OrderParams.CustomerInfo", mod(func(p *OrderParams) { p.CustomerInfo = &CustomerInfo{Name: "Ana", Email: "a@b.mx"} })},
		{"OrderParams.LineItems", mod(func(p *OrderParams) { p.LineItems = nil })},
		{"OrderParams.LineItems[0].Name", mod(func(p *OrderParams) { p.LineItems = []*LineItem{{UnitPrice: 1, Quantity: 1}} })},
		{"OrderParams.LineItems[0].UnitPrice", mod(func(p *OrderParams) { p.LineItems = []*LineItem{{Name: "x", UnitPrice: -1, Quantity: 1}} })},
		{"OrderParams.LineItems[0].UnitPrice", mod(func(p *OrderParams) { p.LineItems = []*LineItem{{Name: "x", UnitPrice: 1 << 31, Quantity: 1}} })},
		{"OrderParams.LineItems[0].Quantity", mod(func(p *OrderParams) { p.LineItems = []*LineItem{{Name: "x", UnitPrice: 1}} })},
		{"OrderParams.Charges[0].PaymentMethod", mod(func(p *OrderParams) { p.Charges = []*ChargeParams{{}} })},
		{"OrderParams.Charges[0].PaymentMethod", mod(func(p *OrderParams) { p.Charges = []*ChargeParams{{PaymentMethod: &ChargeMethod{Type: MethodCard}}} })},
		{"OrderParams.Charges[0].Amount", mod(func(p *OrderParams) {
			p.Charges = []*ChargeParams{{PaymentMethod: &ChargeMethod{Type: MethodCash}, Amount: -5}}
		})},
		{"OrderParams.Charges[0].PaymentMethod", mod(func(p *OrderParams) {
			p.CustomerInfo = &CustomerInfo{Name: "Ana", Email: "a@b.mx", Phone: "+52"}
			p.Charges = []*ChargeParams{ChargeDefault()}
		})},
		{"OrderParams.Metadata", mod(func(p *OrderParams) { p.Metadata = Metadata{"nested": map[string]any{"a": 1}} })},
		{"OrderParams.ReturnURL", mod(func(p *OrderParams) { p.ReturnURL = "nope" })},
	}
	for _, tc := range cases {
		_, err := c.Orders.Create(t.Context(), tc.p)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Field != tc.field {
			t.Errorf("%s: err = %v", tc.field, err)
		}
	}
}

func TestOrdersListAllUpdateCancelCaptureRefund(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/orders", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("next") {
		case "":
			wire(t, r, "GET", "created_at.gte=1700000000&last_payment_info.status=pending_payment&limit=1&payment_status=paid", "")
			respond(w, 200, `{"object":"list","has_more":true,"data":[{"id":"ord_1","amount":100}]}`)
		default:
			wire(t, r, "GET", "created_at.gte=1700000000&last_payment_info.status=pending_payment&limit=1&next=ord_1&payment_status=paid", "")
			respond(w, 200, `{"object":"list","has_more":false,"data":[{"id":"ord_2","amount":200}]}`)
		}
	})
	mux.HandleFunc("/orders/ord_1", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "PUT", "", `{"metadata":{"k":"v"}}`)
		respond(w, 200, `{"id":"ord_1","metadata":{"k":"v"}}`)
	})
	mux.HandleFunc("/orders/ord_1/cancel", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", "")
		respond(w, 200, `{"id":"ord_1","payment_status":"canceled"}`)
	})
	mux.HandleFunc("/orders/ord_1/capture", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", `{"amount":150}`)
		respond(w, 200, `{"id":"ord_1","payment_status":"paid","amount":150}`)
	})
	mux.HandleFunc("/orders/ord_1/refunds", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", `{"amount":100,"reason":"requested_by_client"}`)
		respond(w, 200, `{"id":"ord_1","payment_status":"partially_refunded","amount_refunded":100}`)
	})
	ctx := t.Context()
	var ids []string
	for o, err := range c.Orders.All(ctx, &OrderListParams{ListParams: ListParams{Limit: 1}, PaymentStatus: OrderPaid,
		LastPaymentInfoStatus: ChargePendingPayment, CreatedFrom: Unix(1700000000)}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, o.ID)
	}
	if diff := cmp.Diff([]string{"ord_1", "ord_2"}, ids); diff != "" {
		t.Errorf("All (-want +got):\n%s", diff)
	}
	if o, err := c.Orders.Update(ctx, "ord_1", &OrderUpdateParams{Metadata: Metadata{"k": "v"}}); err != nil || o.Metadata["k"] != "v" {
		t.Fatalf("Update = %+v, %v", o, err)
	}
	if o, err := c.Orders.Cancel(ctx, "ord_1"); err != nil || o.PaymentStatus != OrderCanceled {
		t.Fatalf("Cancel = %+v, %v", o, err)
	}
	if o, err := c.Orders.Capture(ctx, "ord_1", 150); err != nil || o.Amount != 150 {
		t.Fatalf("Capture = %+v, %v", o, err)
	}
	if o, err := c.Orders.Refund(ctx, "ord_1", &RefundParams{Amount: 100, Reason: "requested_by_client"}); err != nil || o.AmountRefunded != 100 {
		t.Fatalf("Refund = %+v, %v", o, err)
	}
	for _, err := range []error{
		func() error { _, err := c.Orders.Refund(ctx, "ord_1", &RefundParams{Amount: 100}); return err }(),
		func() error { _, err := c.Orders.Refund(ctx, "ord_1", nil); return err }(),
		func() error { _, err := c.Orders.Capture(ctx, "ord_1", -1); return err }(),
		func() error { _, err := c.Orders.Update(ctx, "ord_1", &OrderUpdateParams{}); return err }(),
		func() error { _, err := c.Orders.Cancel(ctx, ""); return err }(),
	} {
		if !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("err = %v, want ErrInvalidRequest", err)
		}
	}
}

func TestCaptureWithoutAmountSendsNoBody(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/orders/ord_1/capture", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", "")
		respond(w, 200, `{"id":"ord_1","payment_status":"paid"}`)
	})
	if _, err := c.Orders.Capture(t.Context(), "ord_1", 0); err != nil {
		t.Fatal(err)
	}
}

// An update that adds a charge may charge the customer: it is never
// repeated after it may have reached Conekta, unlike a plain update.
func TestOrdersUpdateWithChargesIsNotRetried(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var n atomic.Int32
	mux.HandleFunc("/orders/ord_1", func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			respond(w, 502, `{"object":"error","type":"api_error"}`)
			return
		}
		respond(w, 200, `{"id":"ord_1","object":"order","amount":100,"currency":"MXN","livemode":false,"created_at":1}`)
	})
	ctx := t.Context()
	_, err := c.Orders.Update(ctx, "ord_1", &OrderUpdateParams{Charges: []*ChargeParams{ChargeDefault()}})
	if n.Load() != 1 || !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("after %d requests err = %v; want one request and ErrOutcomeUnknown", n.Load(), err)
	}
	n.Store(0)
	if _, err := c.Orders.Update(ctx, "ord_1", &OrderUpdateParams{Metadata: Metadata{"k": "v"}}); err != nil || n.Load() != 2 {
		t.Fatalf("plain update after %d requests: %v; want it retried once and successful", n.Load(), err)
	}
}
