package toku

import (
	"errors"
	"strings"
	"testing"

	"github.com/pagos-go/pagos/internal/testutil"
)

// amountRecorder is a Toku stand-in that keeps every request body it
// receives and answers each with an invoice.
type amountRecorder struct{ testutil.BodyRecorder }

func (rec *amountRecorder) client(t *testing.T) *Client {
	t.Helper()
	return testutil.Must(NewClient(testAPIKey, WithBaseURL(rec.Serve(t, `{"id":"in_1"}`)), withNoWait(), WithMaxRetries(0)))(t)
}

func (rec *amountRecorder) sent() []string { return rec.Sent() }

// sendInvoiceAmount sends amount in currency through an invoice update, or
// through a create with the other fields a create requires.
func sendInvoiceAmount(t *testing.T, c *Client, amount, currency string, update bool) error {
	t.Helper()
	p := &InvoiceParams{Amount: mustAmount(t, amount), CurrencyCode: currency}
	if update {
		_, err := c.Invoices.Update(t.Context(), "in_1", p)
		return err
	}
	p.Customer, p.ProductID, p.DueDate = "cus_1", "p1", Date{2026, 1, 31}
	_, err := c.Invoices.Create(t.Context(), p)
	return err
}

// An invoice amount Toku cannot take is refused before sending, naming the
// field: decimals CLP does not have, more than MXN's two, more than four in
// any other or unstated currency, or more digits than a float holds.
func TestInvoiceAmountsTokuCannotTakeAreRefused(t *testing.T) {
	t.Parallel()
	var rec amountRecorder
	c := rec.client(t)
	cases := []struct {
		name, amount, currency string
		update                 bool
	}{
		{"CLP by default, half a peso", "1.5", "", false},
		{"CLP, thousandths", "19990.999", "CLP", false},
		{"CLP, one centavo", "100.01", "CLP", true},
		{"MXN, three decimals", "10.005", "MXN", false},
		{"CLF, five decimals", "1.00001", "CLF", false},
		{"update of unstated currency, five decimals", "1.00001", "", true},
		{"32 digits", "12345678901234567890123456789012", "CLP", false},
		{"16 digits CLP", "1234567890123456", "", false},
		{"16 digits MXN", "12345678901234.56", "MXN", false},
		{"16 digits with four decimals", "123456789012.3456", "USD", false},
	}
	for _, tc := range cases {
		err := sendInvoiceAmount(t, c, tc.amount, tc.currency, tc.update)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Field != "InvoiceParams.Amount" {
			t.Errorf("%s: %s %s: err = %v, want a ParamError naming InvoiceParams.Amount", tc.name, tc.amount, tc.currency, err)
		}
	}
	if got := rec.sent(); len(got) != 0 {
		t.Errorf("refused amounts were sent: %q", got)
	}
}

// The largest and finest amounts each currency takes still go out, exactly
// as written.
func TestInvoiceAmountsAtTheLimitsAreSent(t *testing.T) {
	t.Parallel()
	var rec amountRecorder
	c := rec.client(t)
	cases := []struct {
		amount, currency string
		update           bool
	}{
		{"1", "", false},
		{"999999999999999", "", false},     // 15 digits of CLP
		{"19990.00", "CLP", false},         // zero decimals are whole pesos
		{"0.01", "MXN", false},             // one centavo
		{"9999999999999.99", "MXN", false}, // 15 digits
		{"1.2345", "CLF", false},           // the UF has four decimals
		{"10.5", "", true},                 // an update of unknown currency
		{"0.0001", "USD", false},           // four decimals elsewhere
	}
	for _, tc := range cases {
		err := sendInvoiceAmount(t, c, tc.amount, tc.currency, tc.update)
		if err != nil {
			t.Errorf("%s %s: %v", tc.amount, tc.currency, err)
		}
	}
	got := rec.sent()
	if len(got) != len(cases) {
		t.Fatalf("sent %d requests, want %d", len(got), len(cases))
	}
	for i, tc := range cases {
		if !strings.Contains(got[i], `"amount":`+tc.amount+`,`) && !strings.Contains(got[i], `"amount":`+tc.amount+`}`) {
			t.Errorf("%s %s: body %s does not carry the amount as written", tc.amount, tc.currency, got[i])
		}
	}
}
