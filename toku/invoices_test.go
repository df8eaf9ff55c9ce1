package toku

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestInvoicesCreate(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/invoices", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", `{
			"customer": "cus_lq1wGjwgFyqQm4ACZx0QjE84qKm8fffa",
			"product_id": "92792",
			"due_date": "2021-03-04",
			"amount": 1000.50,
			"currency_code": "MXN",
			"is_paid": false,
			"is_void": false,
			"link_payment": "https://portal.pagos.com/tu-empresa",
			"metadata": {"car_brand": "Toyota", "car_model": "Yaris"},
			"invoice_external_id": "inv-7"
		}`)
		respond(w, 201, `{
			"customer": "cus_lq1wGjwgFyqQm4ACZx0QjE84qKm8fffa",
			"is_paid": false, "is_void": false,
			"amount": 1000.50, "product_id": "92792", "due_date": "2021-03-04",
			"link_payment": "https://portal.pagos.com/tu-empresa",
			"metadata": {"car_brand": "Toyota", "car_model": "Yaris"},
			"subscription": "sub_1", "currency_code": "MXN", "invoice_external_id": "inv-7",
			"id": "in_5tswGjwgAxrQm4ACZx0QjE84qKm8fgsw"
		}`)
	})
	got, err := c.Invoices.Create(t.Context(), &InvoiceParams{
		Customer: "cus_lq1wGjwgFyqQm4ACZx0QjE84qKm8fffa", ProductID: "92792",
		DueDate: Date{2021, time.March, 4}, Amount: mustAmount(t, "1000.50"), CurrencyCode: "MXN",
		IsPaid: Bool(false), IsVoid: Bool(false), LinkPayment: "https://portal.pagos.com/tu-empresa",
		Metadata: Metadata{"car_brand": "Toyota", "car_model": "Yaris"}, InvoiceExternalID: "inv-7",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &Invoice{ID: "in_5tswGjwgAxrQm4ACZx0QjE84qKm8fgsw", Customer: "cus_lq1wGjwgFyqQm4ACZx0QjE84qKm8fffa",
		ProductID: "92792", Subscription: "sub_1", DueDate: Date{2021, time.March, 4}, Amount: mustAmount(t, "1000.50"),
		CurrencyCode: "MXN", LinkPayment: "https://portal.pagos.com/tu-empresa",
		Metadata: Metadata{"car_brand": "Toyota", "car_model": "Yaris"}, InvoiceExternalID: "inv-7"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("invoice (-want +got):\n%s", diff)
	}
}

func mustAmount(t *testing.T, s string) Amount {
	t.Helper()
	a, err := ParseAmount(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestInvoicesCreateValidatesBeforeSending(t *testing.T) {
	t.Parallel()
	c, _ := setup(t)
	ok := InvoiceParams{Customer: "cus_1", ProductID: "p", DueDate: Date{2026, 1, 31}, Amount: AmountFromWhole(1000)}
	mod := func(f func(*InvoiceParams)) *InvoiceParams { p := ok; f(&p); return &p }
	cases := []struct {
		field string
		p     *InvoiceParams
	}{
		{"InvoiceParams.Customer", mod(func(p *InvoiceParams) { p.Customer = "" })},
		{"InvoiceParams.ProductID", mod(func(p *InvoiceParams) { p.ProductID = "" })},
		{"InvoiceParams.DueDate", mod(func(p *InvoiceParams) { p.DueDate = Date{} })},
		{"InvoiceParams.DueDate", mod(func(p *InvoiceParams) { p.DueDate = Date{2026, 2, 30} })},
		{"InvoiceParams.Amount", mod(func(p *InvoiceParams) { p.Amount = AmountFromWhole(0) })},
		{"InvoiceParams.Amount", mod(func(p *InvoiceParams) { p.Amount = AmountFromWhole(-5) })},
		{"InvoiceParams.CurrencyCode", mod(func(p *InvoiceParams) { p.CurrencyCode = "clp" })},
		{"InvoiceParams.LinkPayment", mod(func(p *InvoiceParams) { p.LinkPayment = "portal" })},
		{"InvoiceParams.Metadata", mod(func(p *InvoiceParams) { p.Metadata = Metadata{"": "x"} })},
	}
	for _, tc := range cases {
		_, err := c.Invoices.Create(t.Context(), tc.p)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Field != tc.field || !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("%s: err = %v", tc.field, err)
		}
	}
}

func TestInvoicesListVoidUpdateDelete(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/invoices", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("cursor") {
		case "":
			wire(t, r, "GET", "customer_id=cus_1&due_date_from=2026-01-01&page_size=1", "")
			respond(w, 200, `{"items":[{"id":"in_1","amount":"10000.0000"}],"next_cursor":"n2"}`)
		default:
			wire(t, r, "GET", "cursor=n2&customer_id=cus_1&due_date_from=2026-01-01&page_size=1", "")
			respond(w, 200, `{"items":[{"id":"in_2","amount":100.0}],"next_cursor":""}`)
		}
	})
	mux.HandleFunc("/invoices/in_1/void", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", `{"delete_invoice":false}`)
		respond(w, 200, `{"id":"in_1","is_void":true}`)
	})
	mux.HandleFunc("/invoices/in_1", func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case "PUT":
			wire(t, r, "PUT", "", `{"is_paid":true,"amount":1500}`)
			respond(w, 200, `{"id":"in_1","is_paid":true,"amount":1500}`)
		case "DELETE":
			wire(t, r, "DELETE", "", "")
			w.WriteHeader(204)
		case "GET":
			respond(w, 200, `{"id":"in_1"}`)
		}
	})
	ctx := t.Context()
	var amounts []string
	for inv, err := range c.Invoices.All(ctx, &InvoiceListParams{ListParams: ListParams{PageSize: 1}, CustomerID: "cus_1", DueDateFrom: Date{2026, 1, 1}}) {
		if err != nil {
			t.Fatal(err)
		}
		amounts = append(amounts, inv.ID+"="+inv.Amount.String())
	}
	if diff := cmp.Diff([]string{"in_1=10000.0000", "in_2=100.0"}, amounts); diff != "" {
		t.Errorf("All (-want +got):\n%s", diff)
	}
	if v, err := c.Invoices.Void(ctx, "in_1"); err != nil || !v.IsVoid {
		t.Fatalf("Void = %+v, %v", v, err)
	}
	if u, err := c.Invoices.Update(ctx, "in_1", &InvoiceParams{IsPaid: Bool(true), Amount: AmountFromWhole(1500)}); err != nil || !u.IsPaid || !u.Amount.Equal(AmountFromWhole(1500)) {
		t.Fatalf("Update = %+v, %v", u, err)
	}
	if err := c.Invoices.Delete(ctx, "in_1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Invoices.Get(ctx, "in_1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Invoices.Update(ctx, "in_1", &InvoiceParams{}); !errors.Is(err, ErrInvalidRequest) {
		t.Fatalf("empty update: %v", err)
	}
}
