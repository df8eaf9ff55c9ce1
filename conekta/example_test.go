package conekta_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/conekta/conektatest"
)

// Save a card on a customer and charge an on-demand order to it, here
// against the in-process fake.
func ExampleOrdersService_Create() {
	srv := conektatest.NewServer(nil)
	defer srv.Close()
	c, _ := conekta.NewClient(conektatest.DefaultAPIKey, conekta.WithBaseURL(srv.URL)) // conekta.NewClient(privateKey) in production
	ctx := context.Background()

	cus, err := c.Customers.Create(ctx, &conekta.CustomerParams{
		Name: "Felipe Gómez", Email: "felipe@example.com", Phone: "+5215555555555",
		PaymentSources: []*conekta.PaymentSourceParams{conekta.CardSourceParams(conektatest.TokenVisa)},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	o, err := c.Orders.Create(ctx, &conekta.OrderParams{
		Currency:     "MXN",
		CustomerInfo: &conekta.CustomerInfo{CustomerID: cus.ID},
		LineItems:    []*conekta.LineItem{{Name: "Vasija de Cerámica", UnitPrice: 20015, Quantity: 1}},
		Charges:      []*conekta.ChargeParams{conekta.ChargeDefault()},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cus.ID, cus.PaymentSources.Data[0].Card.Last4)
	fmt.Println(o.ID, o.Amount, o.PaymentStatus)
	// Output:
	// cus_000002 4242
	// ord_000004 20015 paid
}

// Tell a declined card from other failures with errors.Is, and read
// Conekta's details with errors.As.
func ExampleError() {
	srv := conektatest.NewServer(nil)
	defer srv.Close()
	c := srv.Client()
	_, err := c.Orders.Create(context.Background(), &conekta.OrderParams{
		Currency:     "MXN",
		CustomerInfo: &conekta.CustomerInfo{Name: "Ana", Email: "ana@example.com", Phone: "+5215555555555"},
		LineItems:    []*conekta.LineItem{{Name: "Vasija", UnitPrice: 20015, Quantity: 1}},
		Charges:      []*conekta.ChargeParams{conekta.ChargeToken(conektatest.TokenDeclined)},
	})
	var ce *conekta.Error
	if errors.Is(err, conekta.ErrDeclined) && errors.As(err, &ce) {
		fmt.Println(ce.StatusCode, ce.Type, ce.Details[0].Code)
	}
	// Output:
	// 402 processing_error conekta.errors.processing.charge.card_declined
}

// Parameters are checked before anything is sent, and the error names the
// field to fix.
func ExampleParamError() {
	c, _ := conekta.NewClient("key_any")
	_, err := c.Customers.Create(context.Background(), &conekta.CustomerParams{Name: "Ana", Email: "ana@example.com"})
	var pe *conekta.ParamError
	if errors.As(err, &pe) {
		fmt.Println(pe.Field)
	}
	fmt.Println(errors.Is(err, conekta.ErrInvalidRequest))
	// Output:
	// CustomerParams.Phone
	// true
}
