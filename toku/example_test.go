package toku_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/toku/tokutest"
)

// Create a customer and an invoice, here against the in-process fake.
func ExampleCustomersService_Create() {
	srv := tokutest.NewServer(nil)
	defer srv.Close()
	c, _ := toku.NewClient(tokutest.DefaultAPIKey, toku.WithBaseURL(srv.URL)) // toku.NewClient(apiKey) in production
	ctx := context.Background()

	cus, err := c.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: "11111111-1", Mail: "ana@example.com", Name: "Ana"})
	if err != nil {
		fmt.Println(err)
		return
	}
	inv, err := c.Invoices.Create(ctx, &toku.InvoiceParams{
		Customer: cus.ID, ProductID: "plan-mensual",
		DueDate: toku.Date{Year: 2026, Month: 12, Day: 1}, Amount: toku.AmountFromWhole(19990),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cus.ID, cus.GovernmentID)
	fmt.Println(inv.ID, inv.Amount, inv.CurrencyCode, inv.DueDate)
	// Output:
	// cus_000001 11111111-1
	// in_000002 19990 CLP 2026-12-01
}

// Parameters are checked before anything is sent, and the error names the
// field to fix.
func ExampleParamError() {
	c, _ := toku.NewClient("tk_any")
	_, err := c.Invoices.Create(context.Background(), &toku.InvoiceParams{Customer: "cus_1", ProductID: "p"})
	var pe *toku.ParamError
	if errors.As(err, &pe) {
		fmt.Println(pe.Field)
	}
	fmt.Println(errors.Is(err, toku.ErrInvalidRequest))
	// Output:
	// InvoiceParams.DueDate
	// true
}

// Tell a provider's answer apart with errors.Is and read it with errors.As.
func ExampleError() {
	srv := tokutest.NewServer(nil)
	defer srv.Close()
	c := srv.Client()
	_, err := c.Customers.Get(context.Background(), "cus_missing")
	var te *toku.Error
	if errors.Is(err, toku.ErrNotFound) && errors.As(err, &te) {
		fmt.Println(te.StatusCode, te.Code, te.Message)
	}
	// Output:
	// 404 TK40401 Customer no encontrado
}
