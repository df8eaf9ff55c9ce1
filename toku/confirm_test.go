package toku_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/toku/tokutest"
)

// confirmFixture is a fake with two customers, each with one paid invoice.
type confirmFixture struct {
	c                   *toku.Client
	cusA, cusB          string
	inv, otherInv       string
	tx, pi, otherTx     string
	day                 string // the payments' transaction date, as events carry it
	fakeNow             time.Time
	intentBody, txBody  string // honest event bodies for inv's payment
	otherPI             string
	otherAmount, amount string
}

func newConfirmFixture(t *testing.T) *confirmFixture {
	t.Helper()
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	srv := tokutest.NewServer(t, tokutest.WithClock(func() time.Time { return now }))
	c := srv.Client()
	ctx := t.Context()
	f := &confirmFixture{c: c, fakeNow: now, day: now.Format("2006-01-02T15:04:05.000000"), amount: "19990", otherAmount: "500"}
	for _, p := range []struct {
		cus, inv, tx, pi *string
		rut, amount      string
	}{{&f.cusA, &f.inv, &f.tx, &f.pi, "1-9", f.amount}, {&f.cusB, &f.otherInv, &f.otherTx, &f.otherPI, "2-7", f.otherAmount}} {
		cus, err := c.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: p.rut})
		if err != nil {
			t.Fatal(err)
		}
		amt, _ := toku.ParseAmount(p.amount)
		inv, err := c.Invoices.Create(ctx, &toku.InvoiceParams{Customer: cus.ID, ProductID: "p", DueDate: toku.Date{Year: 2026, Month: 3, Day: 1}, Amount: amt})
		if err != nil {
			t.Fatal(err)
		}
		pay, err := srv.PayInvoice(ctx, inv.ID)
		if err != nil {
			t.Fatal(err)
		}
		*p.cus, *p.inv, *p.tx, *p.pi = cus.ID, inv.ID, pay.TransactionID, pay.PaymentIntentID
	}
	f.intentBody = `{"id":"wheve_1","event_type":"payment_intent.succeeded","payment_intent":{"id":"` + f.pi + `","invoice":"` + f.inv +
		`","customer":"` + f.cusA + `","amount":"` + f.amount + `","currency":"CLP","status":"AUTHORIZED","transaction_date":"` + f.day + `"}}`
	f.txBody = `{"id":"wheve_2","event_type":"transaction.success","transaction":{"id":"` + f.tx + `","type":"PAYMENT","amount":` + f.amount +
		`,"currency":"CLP","status":"SUCCESS","transaction_date":"` + f.day + `"},"customer":{"id":"` + f.cusA +
		`"},"payment_intents":[{"id":"` + f.pi + `","id_invoice":"` + f.inv + `","amount":"` + f.amount + `","currency":"CLP","status":"AUTHORIZED"}]}`
	return f
}

func parse(t *testing.T, body string) *toku.Event {
	t.Helper()
	ev, err := toku.ParseEvent([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	ev.Signed = toku.SignedEventID
	return ev
}

// The honest events of a payment confirm, and carry the API's objects.
func TestConfirmEventHonest(t *testing.T) {
	t.Parallel()
	f := newConfirmFixture(t)
	for name, body := range map[string]string{"payment_intent": f.intentBody, "transaction": f.txBody} {
		ev := parse(t, body)
		cf, err := f.c.ConfirmEvent(t.Context(), ev)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !ev.Confirmed || !ev.Authenticated() || len(cf.Invoices) != 1 || cf.Invoices[0].ID != f.inv ||
			cf.Transaction == nil || cf.Transaction.ID != f.tx || len(ev.ConfirmedInvoices) != 1 || ev.ConfirmedTransaction != cf.Transaction {
			t.Fatalf("%s: confirmed %v, confirmation %+v", name, ev.Confirmed, cf)
		}
	}
}

// Every field user code may act on is compared with the API: a payload that
// differs in any one of them is not confirmed, and the event stays
// unauthenticated.
func TestConfirmEventFieldMismatch(t *testing.T) {
	t.Parallel()
	f := newConfirmFixture(t)
	intent := func(old, repl string) string { return strings.Replace(f.intentBody, old, repl, 1) }
	tx := func(old, repl string) string { return strings.Replace(f.txBody, old, repl, 1) }
	cases := []struct{ name, body string }{
		{"intent amount", intent(`"amount":"`+f.amount+`"`, `"amount":"1999000"`)},
		{"intent amount missing", intent(`"amount":"`+f.amount+`",`, ``)},
		{"intent currency", intent(`"currency":"CLP"`, `"currency":"USD"`)},
		{"intent customer", intent(`"customer":"`+f.cusA+`"`, `"customer":"`+f.cusB+`"`)},
		{"intent invoice (another paid one)", intent(`"invoice":"`+f.inv+`"`, `"invoice":"`+f.otherInv+`"`)},
		{"intent invoice unknown", intent(`"invoice":"`+f.inv+`"`, `"invoice":"in_unknown"`)},
		{"intent id", intent(`"id":"`+f.pi+`"`, `"id":"pi_forged"`)},
		{"intent id of another payment", intent(`"id":"`+f.pi+`"`, `"id":"`+f.otherPI+`"`)},
		{"intent status", intent(`"status":"AUTHORIZED"`, `"status":"REVERSED"`)},
		{"intent date missing", intent(`,"transaction_date":"`+f.day+`"`, ``)},
		{"intent unreadable", intent(`"amount":"`+f.amount+`"`, `"amount":{"v":1}`)},
		{"transaction amount", tx(`"amount":`+f.amount+`,`, `"amount":1999000,`)},
		{"transaction currency", tx(`"currency":"CLP","status":"SUCCESS"`, `"currency":"MXN","status":"SUCCESS"`)},
		{"transaction id", tx(`"id":"`+f.tx+`"`, `"id":"trs_forged"`)},
		{"transaction id of another payment", tx(`"id":"`+f.tx+`"`, `"id":"`+f.otherTx+`"`)},
		{"transaction status", tx(`"status":"SUCCESS"`, `"status":"FAILED"`)},
		{"transaction customer", tx(`"customer":{"id":"`+f.cusA+`"}`, `"customer":{"id":"`+f.cusB+`"}`)},
		{"transaction intent invoice", tx(`"id_invoice":"`+f.inv+`"`, `"id_invoice":"`+f.otherInv+`"`)},
		{"transaction intent amount", tx(`"amount":"`+f.amount+`","currency":"CLP","status":"AUTHORIZED"`, `"amount":"1","currency":"CLP","status":"AUTHORIZED"`)},
		{"transaction intent added", tx(`"payment_intents":[`, `"payment_intents":[{"id":"pi_forged","id_invoice":"`+f.otherInv+`","amount":"1"},`)},
		{"transaction date missing", tx(`,"transaction_date":"`+f.day+`"`, ``)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.body == f.intentBody || tc.body == f.txBody {
				t.Fatal("the case does not change the body")
			}
			ev := parse(t, tc.body)
			cf, err := f.c.ConfirmEvent(t.Context(), ev)
			if !errors.Is(err, toku.ErrNotConfirmed) || cf != nil {
				t.Fatalf("ConfirmEvent = %+v, %v; want ErrNotConfirmed", cf, err)
			}
			if ev.Confirmed || ev.Authenticated() || ev.ConfirmedInvoices != nil || ev.ConfirmedTransaction != nil {
				t.Fatalf("a forged event is marked confirmed: %+v", ev)
			}
		})
	}
}

// A type with no API object to check gives ErrUnconfirmable.
func TestConfirmEventUnconfirmable(t *testing.T) {
	t.Parallel()
	f := newConfirmFixture(t)
	ev := parse(t, `{"id":"e","event_type":"payout.done","payout":{"id":"pyt_1"}}`)
	if cf, err := f.c.ConfirmEvent(t.Context(), ev); !errors.Is(err, toku.ErrUnconfirmable) || cf != nil || ev.Authenticated() {
		t.Fatalf("ConfirmEvent = %+v, %v", cf, err)
	}
}
