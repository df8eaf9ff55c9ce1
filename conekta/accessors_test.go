package conekta_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/conekta/conektatest"
	"github.com/pagos-go/pagos/internal/testutil"
)

// The accessors read what the fake answered, and say ok false, without
// panicking, where there is nothing to read.
func TestCashAccessors(t *testing.T) {
	ctx := t.Context()
	c := conektatest.NewServer(t, conektatest.WithSigningKey(testutil.RSAKey())).Client()
	cus, err := c.Customers.Create(ctx, &conekta.CustomerParams{Name: "Fulanito", Email: "f@example.com", Phone: "+5218181818181",
		PaymentSources: []*conekta.PaymentSourceParams{c.RecurringCashSource()}})
	if err != nil {
		t.Fatal(err)
	}
	want := cus.PaymentSources.Data[0].Cash
	if ref, ok := cus.CashReference(); !ok || ref != string(want.Reference) || ref == "" {
		t.Errorf("CashReference() = %q, %v; want %q", ref, ok, want.Reference)
	}
	if u, ok := cus.CashBarcodeURL(); !ok || u != want.BarcodeURL || u == "" {
		t.Errorf("CashBarcodeURL() = %q, %v; want %q", u, ok, want.BarcodeURL)
	}

	ord, err := c.Orders.Create(ctx, &conekta.OrderParams{Currency: "MXN",
		CustomerInfo: &conekta.CustomerInfo{Name: "Ana", Email: "ana@example.com", Phone: "+5215555555555"},
		LineItems:    []*conekta.LineItem{{Name: "Vasija", UnitPrice: 20015, Quantity: 1}},
		Charges:      []*conekta.ChargeParams{conekta.ChargeCash(conekta.Time{})}})
	if err != nil {
		t.Fatal(err)
	}
	ch := ord.Charges.Data[0]
	if ref, ok := ord.CashReference(); !ok || ref != string(ch.PaymentMethod.Cash.Reference) || ref == "" {
		t.Errorf("Order.CashReference() = %q, %v; want %q", ref, ok, ch.PaymentMethod.Cash.Reference)
	}
	if ref, ok := ch.CashReference(); !ok || ref != string(ch.PaymentMethod.Cash.Reference) {
		t.Errorf("Charge.CashReference() = %q, %v", ref, ok)
	}

	card := &conekta.Customer{PaymentSources: &conekta.List[*conekta.PaymentSource]{Data: []*conekta.PaymentSource{
		nil, {Type: conekta.SourceCard, Card: &conekta.CardSource{}}, {Deleted: true, Cash: want}}}}
	for name, c := range map[string]*conekta.Customer{"nil": nil, "no sources": {}, "card and deleted cash": card} {
		if ref, ok := c.CashReference(); ok || ref != "" {
			t.Errorf("%s: CashReference() = %q, %v", name, ref, ok)
		}
		if u, ok := c.CashBarcodeURL(); ok || u != "" {
			t.Errorf("%s: CashBarcodeURL() = %q, %v", name, u, ok)
		}
	}
	for name, o := range map[string]*conekta.Order{"nil": nil, "no charges": {}, "card charge": {Charges: &conekta.List[*conekta.Charge]{
		Data: []*conekta.Charge{nil, {PaymentMethod: &conekta.PaymentMethod{Card: &conekta.CardPayment{}}}}}}} {
		if ref, ok := o.CashReference(); ok || ref != "" {
			t.Errorf("%s: Order.CashReference() = %q, %v", name, ref, ok)
		}
	}
}

// A customer's recurring OXXO reference, without a walk through its
// payment sources.
func ExampleCustomer_CashReference() {
	srv := conektatest.NewServer(nil)
	defer srv.Close()
	c := srv.Client()
	cus, err := c.Customers.Create(context.Background(), &conekta.CustomerParams{Name: "Fulanito", Email: "f@example.com",
		Phone: "+5218181818181", PaymentSources: []*conekta.PaymentSourceParams{c.RecurringCashSource()}})
	if err != nil {
		fmt.Println(err)
		return
	}
	ref, ok := cus.CashReference()
	_, hasBarcode := cus.CashBarcodeURL()
	fmt.Println(ref, ok, hasBarcode)
	// Output: 93000000000001 true true
}
