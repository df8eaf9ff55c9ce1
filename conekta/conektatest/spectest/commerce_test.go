package spectest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/conekta/conektatest"
)

// Charges, order lines and refund cancelling through the client, each
// request and answer checked against the OpenAPI file by newFake's
// transport, with the state each call leaves.
func TestChargesAndOrderLinesKeepToTheSpec(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	_, c := newFake(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	cus := cardCustomer(t, c, conektatest.TokenVisa)

	// An order to pay later: products, discounts, shipping and taxes
	// change its amount.
	o, err := c.Orders.Create(ctx, order(cus.ID))
	must(err)
	li, err := c.LineItems.Create(ctx, o.ID, &conekta.LineItem{Name: "Taza de barro", UnitPrice: 5000, Quantity: 2, SKU: "TZ-1"})
	must(err)
	if li.ParentID != o.ID || li.Object != "line_item" {
		t.Fatalf("line item %+v", li)
	}
	_, err = c.LineItems.Update(ctx, o.ID, li.ID, &conekta.LineItemUpdateParams{Quantity: 3})
	must(err)
	d, err := c.DiscountLines.Create(ctx, o.ID, &conekta.DiscountLineParams{Amount: 1000, Code: "BIENVENIDA", Type: conekta.DiscountCoupon})
	must(err)
	_, err = c.DiscountLines.Update(ctx, o.ID, d.ID, &conekta.DiscountLineUpdateParams{Amount: conekta.Int64(1500)})
	must(err)
	got, err := c.DiscountLines.Get(ctx, o.ID, d.ID)
	must(err)
	if got.Amount != 1500 || got.Code != "BIENVENIDA" {
		t.Fatalf("discount %+v", got)
	}
	dl, err := c.DiscountLines.List(ctx, o.ID, &conekta.ListParams{Limit: 5})
	must(err)
	if len(dl.Data) != 1 {
		t.Fatalf("discounts %+v", dl)
	}
	sh, err := c.ShippingLines.Create(ctx, o.ID, &conekta.ShippingLineParams{Amount: 9900, Carrier: "FEDEX", Method: "Same day"})
	must(err)
	_, err = c.ShippingLines.Update(ctx, o.ID, sh.ID, &conekta.ShippingLineParams{Amount: 4900, Carrier: "DHL Express"})
	must(err)
	tx, err := c.TaxLines.Create(ctx, o.ID, &conekta.TaxLineParams{Amount: 3200, Description: "IVA"})
	must(err)
	_, err = c.TaxLines.Update(ctx, o.ID, tx.ID, &conekta.TaxLineUpdateParams{Description: "IVA 16%"})
	must(err)
	o, err = c.Orders.Get(ctx, o.ID)
	must(err)
	// 20015 + 3 × 5000 − 1500 + 4900 + 3200
	if want := int64(20015 + 15000 - 1500 + 4900 + 3200); o.Amount != want || len(o.LineItems.Data) != 2 ||
		o.ShippingLines == nil || o.ShippingLines.Data[0].Carrier != "DHL Express" || o.TaxLines.Data[0].Description != "IVA 16%" {
		t.Fatalf("order amount %d, lines %+v", o.Amount, o)
	}
	_, err = c.ShippingLines.Delete(ctx, o.ID, sh.ID)
	must(err)
	_, err = c.TaxLines.Delete(ctx, o.ID, tx.ID)
	must(err)
	_, err = c.DiscountLines.Delete(ctx, o.ID, d.ID)
	must(err)
	_, err = c.LineItems.Delete(ctx, o.ID, li.ID)
	must(err)
	if _, err := c.DiscountLines.Get(ctx, o.ID, d.ID); !errors.Is(err, conekta.ErrNotFound) {
		t.Fatalf("deleted discount: %v", err)
	}

	// A charge on the order, then one through add_charges on another.
	ch, err := c.Charges.Create(ctx, o.ID, conekta.ChargeDefault())
	must(err)
	if ch.Status != conekta.ChargePaid || ch.Amount != 20015 {
		t.Fatalf("charge %+v", ch)
	}
	if _, err := c.Charges.Create(ctx, o.ID, conekta.ChargeDefault()); !errors.Is(err, conekta.ErrInvalidRequest) {
		t.Fatalf("second charge on a paid order: %v", err)
	}
	if _, err := c.LineItems.Create(ctx, o.ID, &conekta.LineItem{Name: "Otra taza", UnitPrice: 1, Quantity: 1}); !errors.Is(err, conekta.ErrInvalidRequest) {
		t.Fatalf("line on a paid order: %v", err)
	}
	o2, err := c.Orders.Create(ctx, order(cus.ID))
	must(err)
	l, err := c.Charges.CreateMany(ctx, o2.ID, conekta.ChargeCash(conekta.TimeOf(time.Unix(1893456000, 0))))
	must(err)
	if len(l.Data) != 1 || l.Data[0].Status != conekta.ChargePendingPayment {
		t.Fatalf("charges %+v", l)
	}
	_, err = c.Charges.Update(ctx, ch.ID, &conekta.ChargeUpdateParams{ReferenceID: "pago-77"})
	must(err)
	all, err := c.Charges.List(ctx, &conekta.ListParams{Search: "pago-77"})
	must(err)
	if len(all.Data) != 1 || all.Data[0].ReferenceID != "pago-77" {
		t.Fatalf("charges found by reference: %+v", all)
	}
	n := 0
	for _, err := range c.Charges.All(ctx, &conekta.ListParams{Limit: 1}) {
		must(err)
		n++
	}
	if n != 2 {
		t.Fatalf("All gave %d charges", n)
	}

	// A refund, then its cancellation restores the order.
	refunded, err := c.Orders.Refund(ctx, o.ID, &conekta.RefundParams{Amount: 5000, Reason: "requested_by_client"})
	must(err)
	refund := refunded.Charges.Data[0].Refunds.Data[0]
	back, err := c.Orders.CancelRefund(ctx, o.ID, refund.ID)
	must(err)
	if back.AmountRefunded != 0 || back.PaymentStatus != conekta.OrderPaid {
		t.Fatalf("after cancelling the refund: %+v", back)
	}
	if _, err := c.Orders.CancelRefund(ctx, o.ID, refund.ID); !errors.Is(err, conekta.ErrNotFound) {
		t.Fatalf("cancelling it twice: %v", err)
	}
}

// A payment link paid twice at the fake's checkout, by card and in cash at
// the till, with its events; then cancelled.
func TestPaymentLinkPaidAtTheCheckout(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv, c := newFake(t)
	rc := newReceiver(t, srv.PublicKeys())
	subscribe(t, c, rc.srv.URL, conekta.EventOrderPaid, conekta.EventChargePaid)
	link, err := c.Checkouts.Create(ctx, &conekta.CheckoutParams{Name: "Clase de yoga", Recurrent: true, PaymentsLimitCount: 2,
		ExpiresAt:             conekta.TimeOf(time.Now().Add(48 * time.Hour)),
		AllowedPaymentMethods: []conekta.CheckoutMethod{conekta.CheckoutCard, conekta.CheckoutCash},
		OrderTemplate: &conekta.CheckoutOrderTemplate{Currency: "MXN", LineItems: []*conekta.LineItem{{Name: "Clase de yoga", UnitPrice: 25000, Quantity: 1}},
			TaxLines: []*conekta.TaxLineParams{{Amount: 4000, Description: "IVA"}}, Metadata: conekta.Metadata{"curso": "yoga-7"}}})
	if err != nil {
		t.Fatal(err)
	}
	if link.Status != conekta.CheckoutIssued || link.Type != conekta.CheckoutPaymentLink || link.URL == "" || link.PaidPaymentsCount != 0 {
		t.Fatalf("link %+v", link)
	}
	if _, err := srv.PayCheckout(link.ID, &conekta.ChargeParams{PaymentMethod: &conekta.ChargeMethod{Type: conekta.MethodSPEI}}); err == nil {
		t.Fatal("a bank transfer was taken by a link that allows card and cash")
	}
	o, err := srv.PayCheckout(link.ID, conekta.ChargeToken(conektatest.TokenVisa))
	if err != nil {
		t.Fatal(err)
	}
	if o.PaymentStatus != conekta.OrderPaid || o.Amount != 29000 || o.Metadata["curso"] != "yoga-7" {
		t.Fatalf("card order %+v", o)
	}
	cash, err := srv.PayCheckout(link.ID, conekta.ChargeCash(conekta.Time{}))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.Checkouts.Get(ctx, link.ID); err != nil || got.PaidPaymentsCount != 1 || got.Status != conekta.CheckoutIssued {
		t.Fatalf("after one paid payment: %+v, %v", got, err)
	}
	tp, err := srv.PayAtTill(ctx, string(cash.Charges.Data[0].PaymentMethod.Cash.Reference), cash.Amount)
	if err != nil || !tp.Paid {
		t.Fatalf("till %+v, %v", tp, err)
	}
	got, err := c.Checkouts.Get(ctx, link.ID)
	if err != nil || got.PaidPaymentsCount != 2 || got.Status != conekta.CheckoutFinished {
		t.Fatalf("after two paid payments: %+v, %v", got, err)
	}
	if _, err := srv.PayCheckout(link.ID, conekta.ChargeToken(conektatest.TokenVisa)); err == nil {
		t.Fatal("a finished link took a third payment")
	}
	if err := srv.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	paid := 0
	for _, typ := range rc.types() {
		if typ == conekta.EventOrderPaid {
			paid++
		}
	}
	if paid != 2 {
		t.Fatalf("order.paid delivered %d times: %v", paid, rc.types())
	}

	other, err := c.Checkouts.Create(ctx, &conekta.CheckoutParams{Name: "Taller", ExpiresAt: conekta.TimeOf(time.Now().Add(time.Hour)),
		OrderTemplate: &conekta.CheckoutOrderTemplate{Currency: "MXN", LineItems: []*conekta.LineItem{{Name: "Taller", UnitPrice: 10000, Quantity: 1}}}})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.Checkouts.Email(ctx, other.ID, "ana@example.com"); err != nil || got.EmailsSent != 1 {
		t.Fatalf("email: %+v, %v", got, err)
	}
	if got, err := c.Checkouts.Cancel(ctx, other.ID); err != nil || got.Status != conekta.CheckoutCancelled {
		t.Fatalf("cancel: %+v, %v", got, err)
	}
	if _, err := srv.PayCheckout(other.ID, conekta.ChargeToken(conektatest.TokenVisa)); err == nil {
		t.Fatal("a cancelled link took a payment")
	}
	l, err := c.Checkouts.List(ctx, &conekta.ListParams{Limit: 1})
	if err != nil || len(l.Data) != 1 || !l.HasMore {
		t.Fatalf("list: %+v, %v", l, err)
	}
	n := 0
	for _, err := range c.Checkouts.All(ctx, &conekta.ListParams{Limit: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 2 {
		t.Fatalf("All gave %d links", n)
	}
}

// What the fake refuses in the new routes, as Conekta refuses it, with
// each error answer checked against the file: the spec's own example body
// for a payment link, then bodies missing what the file requires.
func TestCommerceRefusalsKeepToTheSpec(t *testing.T) {
	t.Parallel()
	rc := newRawClient(t)
	exp := time.Now().Add(24 * time.Hour).Unix()
	link := rc.ok("POST", "/checkouts", fmt.Sprintf(`{"allowed_payment_methods":["card"],"expires_at":%d,"name":"Payment Link con Plan",
		"needs_shipping_contact":false,"order_template":{"currency":"MXN","customer_info":{"email":"ejemplo@conekta.com","name":"Cliente Ejemplo","phone":"5555555555"},
		"line_items":[{"name":"Producto de Ejemplo","quantity":1,"unit_price":15000}],"metadata":{"more_info":"datos_adicionales","reference":"mi_referencia_123"}},
		"plan_ids":["plan_ejemplo_1","plan_ejemplo_2"],"recurrent":false,"type":"PaymentLink"}`, exp))
	id, _ := link["id"].(string)
	for _, c := range []struct {
		method, path, body string
		status             int
	}{
		{"POST", "/checkouts", fmt.Sprintf(`{"expires_at":%d,"order_template":{"currency":"MXN","line_items":[{"name":"Uno","quantity":1,"unit_price":1}]},"recurrent":false,"type":"PaymentLink"}`, exp), 422},
		{"POST", "/checkouts", `{"name":"Viejo","expires_at":1000,"order_template":{"currency":"MXN","line_items":[{"name":"Uno","quantity":1,"unit_price":1}]},"recurrent":false,"type":"PaymentLink"}`, 422},
		{"POST", "/checkouts/" + id + "/email", `{"email":"no-es-correo"}`, 422},
		{"POST", "/checkouts/nope/email", `{"email":"ana@example.com"}`, 404},
		{"PUT", "/checkouts/nope/cancel", ``, 404},
		{"PUT", "/charges/nope", `{"reference_id":"x"}`, 404},
		{"PUT", "/charges/nope", `{"amount":5}`, 422},
		{"POST", "/orders/nope/charges", `{"payment_method":{"type":"cash"}}`, 404},
		{"POST", "/orders/nope/add_charges", `{"payment_method":{"type":"cash"}}`, 404},
		{"DELETE", "/orders/nope/refunds/ref_1", ``, 404},
		{"POST", "/orders/nope/discount_lines", `{"amount":1,"code":"X","type":"coupon"}`, 404},
		{"GET", "/orders/nope/discount_lines/dis_lin_1", ``, 404},
		{"PUT", "/orders/nope/tax_lines/tax_lin_1", `{"amount":1}`, 404},
		{"DELETE", "/orders/nope/shipping_lines/ship_lin_1", ``, 404},
	} {
		if status, m := rc.do(c.method, c.path, c.body); status != c.status {
			t.Errorf("%s %s = %d %v, want %d", c.method, c.path, status, m, c.status)
		}
	}
	if status, _ := rc.do("PUT", "/checkouts/"+id+"/cancel", ""); status != 200 {
		t.Fatalf("cancel = %d", status)
	}
	if status, m := rc.do("PUT", "/checkouts/"+id+"/cancel", ""); status != 422 {
		t.Errorf("second cancel = %d %v", status, m)
	}
}

// An order created with discounts, shipping and taxes: its amount follows
// them, and the request and answer keep to the file.
func TestOrderWithLinesKeepsToTheSpec(t *testing.T) {
	t.Parallel()
	_, c := newFake(t)
	cus := cardCustomer(t, c, conektatest.TokenVisa)
	p := order(cus.ID, conekta.ChargeDefault())
	p.DiscountLines = []*conekta.DiscountLineParams{{Amount: 15, Code: "BIENVENIDA", Type: conekta.DiscountCoupon}}
	p.ShippingLines = []*conekta.ShippingLineParams{{Amount: 9900, Carrier: "FEDEX"}}
	p.TaxLines = []*conekta.TaxLineParams{{Amount: 3200, Description: "IVA"}}
	o, err := c.Orders.Create(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(20015 - 15 + 9900 + 3200); o.Amount != want || o.Charges.Data[0].Amount != want || o.PaymentStatus != conekta.OrderPaid ||
		o.DiscountLines.Data[0].ParentID != o.ID || o.TaxLines.Data[0].Description != "IVA" {
		t.Fatalf("order %+v", o)
	}
}
