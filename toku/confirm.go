package toku

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ErrNotConfirmed is returned (wrapped) by ConfirmEvent when the API does not
// bear the event out: the invoice is unpaid or void, the transaction is not
// in Toku's payments list, or a field of the payload (amount, currency,
// invoice, customer, transaction or intent id, status) differs from what the
// API returns. Treat such an event as forged: do not act on it.
var ErrNotConfirmed = errors.New("toku: event not confirmed by the API")

// ErrUnconfirmable is returned (wrapped) by ConfirmEvent for an event type
// the API offers no object to check against. Such an event is authenticated
// only when its body was signed (Event.Signed == SignedBody).
var ErrUnconfirmable = errors.New("toku: no API object confirms this event type")

// Confirmation holds the API's own objects that confirmed an event. Trust
// them over the payload.
type Confirmation struct {
	// Invoices are the invoices the event pays, fetched from the API.
	Invoices []*Invoice
	// Transaction is the transaction found in Toku's payments list.
	Transaction *Transaction
}

// ConfirmEvent checks a payment event against Toku's API, for events whose
// signature covered only the event id (SignedEventID) and so left the body
// unauthenticated. It confirms payment_intent.succeeded, payment.succeeded
// and transaction.success; other types give ErrUnconfirmable.
//
// Every field user code may act on is compared with what the API returns:
// the invoice (fetched, it must be paid and not void), its customer, amount
// and currency; the transaction, payment intent or payment id (looked up in
// Toku's payments list a day on each side of the payload's date, since
// Toku's day boundary is undocumented; a payload without that date is not
// confirmed), its amount, currency, status and customer; and each payment
// intent a transaction carries. A payload field
// that is present must equal the API's; an amount must always equal it. Any
// difference, or a payload that cannot be read, gives ErrNotConfirmed: the
// delivery is a forgery (a captured id-only signature replayed with another
// body) or does not describe a payment Toku knows. An API failure gives the
// API's error, to be retried later.
//
// On success ConfirmEvent records the result on ev (Confirmed,
// ConfirmedInvoices, ConfirmedTransaction), so ev.Authenticated() is true,
// and returns the same objects. Unconfirmed: that Toku lists manual payments
// (payment.succeeded) by their "pay_…" id. Confirmation proves the payment
// exists at Toku, not that this delivery is new: record payments
// idempotently by invoice or transaction id.
func (c *Client) ConfirmEvent(ctx context.Context, ev *Event) (*Confirmation, error) {
	if ev == nil {
		return nil, errors.New("toku: ConfirmEvent: the event is nil")
	}
	var (
		cf  *Confirmation
		err error
	)
	switch ev.Type {
	case EventPaymentIntentSucceeded:
		cf, err = c.confirmIntent(ctx, ev)
	case EventPaymentSucceeded:
		cf, err = c.confirmPayment(ctx, ev)
	case EventTransactionSuccess:
		cf, err = c.confirmTransaction(ctx, ev)
	default:
		return nil, fmt.Errorf("%w: event %s has type %q", ErrUnconfirmable, ev.ID, ev.Type)
	}
	if err != nil {
		return nil, err
	}
	ev.Confirmed, ev.ConfirmedInvoices, ev.ConfirmedTransaction = true, cf.Invoices, cf.Transaction
	return cf, nil
}

func notConfirmed(ev *Event, format string, args ...any) error {
	return fmt.Errorf("%w: event %s: %s", ErrNotConfirmed, ev.ID, fmt.Sprintf(format, args...))
}

// sameText: a payload value that is present must equal the API's.
func sameText(ev *Event, field, payload, api string) error {
	if payload != "" && payload != api {
		return notConfirmed(ev, "%s %q differs from the API's %q", field, payload, api)
	}
	return nil
}

// sameCurrency compares currency codes case-insensitively; def is the API's
// default when it names none.
func sameCurrency(ev *Event, field, payload, api, def string) error {
	if api == "" {
		api = def
	}
	if payload != "" && !strings.EqualFold(payload, api) {
		return notConfirmed(ev, "%s %q differs from the API's %q", field, payload, api)
	}
	return nil
}

func sameAmount(ev *Event, field string, payload, api Amount) error {
	if !payload.Equal(api) {
		return notConfirmed(ev, "%s %s differs from the API's %s", field, payload, api)
	}
	return nil
}

// paidInvoice fetches invoice id and requires it paid and not void.
func (c *Client) paidInvoice(ctx context.Context, ev *Event, id string) (*Invoice, error) {
	if id == "" {
		return nil, notConfirmed(ev, "it names no invoice")
	}
	inv, err := c.Invoices.Get(ctx, id)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, notConfirmed(ev, "invoice %s is not found at Toku", id)
		}
		return nil, fmt.Errorf("toku: confirming event %s: fetching invoice %s: %w", ev.ID, id, err)
	}
	if !inv.IsPaid || inv.IsVoid {
		return nil, notConfirmed(ev, "invoice %s is not paid at Toku", id)
	}
	return inv, nil
}

// invoiceClaim is what a payload says about the invoice it pays.
type invoiceClaim struct {
	invoice, customer, currency string
	amount                      Amount
}

// checkInvoice fetches the claimed invoice and compares the claim with it.
func (c *Client) checkInvoice(ctx context.Context, ev *Event, cl invoiceClaim) (*Invoice, error) {
	inv, err := c.paidInvoice(ctx, ev, cl.invoice)
	if err != nil {
		return nil, err
	}
	if err := errors.Join(
		sameText(ev, "customer", cl.customer, inv.Customer),
		sameAmount(ev, "amount", cl.amount, inv.Amount),
		sameCurrency(ev, "currency", cl.currency, inv.CurrencyCode, "CLP"),
	); err != nil {
		return nil, err
	}
	return inv, nil
}

// findTransaction looks for a successful transaction matching match in
// Toku's payments list, a day on each side of day.
func (c *Client) findTransaction(ctx context.Context, ev *Event, day Date, what string, match func(*Transaction) bool) (*Transaction, error) {
	if day.IsZero() {
		return nil, notConfirmed(ev, "%s carries no date to look it up by", what)
	}
	params := &PaymentListParams{StartDate: day.AddDays(-1), EndDate: day.AddDays(1), Status: TransactionSuccess}
	for listed, err := range c.Payments.All(ctx, params) {
		if err != nil {
			return nil, fmt.Errorf("toku: confirming event %s: listing payments: %w", ev.ID, err)
		}
		if match(listed) {
			return listed, nil
		}
	}
	return nil, notConfirmed(ev, "%s is not in Toku's payments list", what)
}

func dayOf(t *Time) Date {
	if t == nil || t.IsZero() {
		return Date{}
	}
	return DateOf(t.UTC())
}

func (c *Client) confirmIntent(ctx context.Context, ev *Event) (*Confirmation, error) {
	pi, err := ev.PaymentIntent()
	if err != nil {
		return nil, notConfirmed(ev, "reading the payment intent: %v", err)
	}
	if pi.ID == "" {
		return nil, notConfirmed(ev, "the payment intent has no id")
	}
	inv, err := c.checkInvoice(ctx, ev, invoiceClaim{invoice: pi.Invoice, customer: pi.Customer, currency: pi.Currency, amount: pi.Amount})
	if err != nil {
		return nil, err
	}
	var listedPI *PaymentIntent
	tx, err := c.findTransaction(ctx, ev, dayOf(pi.TransactionDate), "payment intent "+pi.ID, func(t *Transaction) bool {
		for _, l := range t.PaymentIntents {
			if l != nil && l.ID == pi.ID {
				listedPI = l
				return true
			}
		}
		return false
	})
	if err != nil {
		return nil, err
	}
	if err := errors.Join(
		sameText(ev, "payment intent invoice", pi.Invoice, listedPI.Invoice),
		sameAmount(ev, "payment intent amount", pi.Amount, listedPI.Amount),
		sameCurrency(ev, "payment intent currency", pi.Currency, listedPI.Currency, ""),
		sameText(ev, "payment intent status", pi.Status, listedPI.Status),
	); err != nil {
		return nil, err
	}
	return &Confirmation{Invoices: []*Invoice{inv}, Transaction: tx}, nil
}

func (c *Client) confirmPayment(ctx context.Context, ev *Event) (*Confirmation, error) {
	p, err := ev.Payment()
	if err != nil {
		return nil, notConfirmed(ev, "reading the payment: %v", err)
	}
	if p.ID == "" {
		return nil, notConfirmed(ev, "the payment has no id")
	}
	inv, err := c.checkInvoice(ctx, ev, invoiceClaim{invoice: p.Invoice, customer: p.Customer, amount: p.PaymentAmount})
	if err != nil {
		return nil, err
	}
	tx, err := c.findTransaction(ctx, ev, p.PaymentDate, "payment "+p.ID, func(t *Transaction) bool { return t.ID == p.ID })
	if err != nil {
		return nil, err
	}
	if err := sameAmount(ev, "payment amount", p.PaymentAmount, tx.Amount); err != nil {
		return nil, err
	}
	return &Confirmation{Invoices: []*Invoice{inv}, Transaction: tx}, nil
}

func (c *Client) confirmTransaction(ctx context.Context, ev *Event) (*Confirmation, error) {
	t, err := ev.Transaction()
	if err != nil {
		return nil, notConfirmed(ev, "reading the transaction: %v", err)
	}
	tx, err := c.findTransaction(ctx, ev, dayOf(t.TransactionDate), "transaction "+t.ID, func(l *Transaction) bool { return l.ID == t.ID })
	if err != nil {
		return nil, err
	}
	errs := []error{
		sameAmount(ev, "transaction amount", t.Amount, tx.Amount),
		sameCurrency(ev, "transaction currency", t.Currency, tx.Currency, ""),
		sameText(ev, "transaction status", string(t.Status), string(tx.Status)),
		sameText(ev, "transaction type", t.Type, tx.Type),
	}
	if t.Customer != nil {
		api := ""
		if tx.Customer != nil {
			api = tx.Customer.ID
		}
		errs = append(errs, sameText(ev, "customer", t.Customer.ID, api))
	}
	for _, pi := range t.PaymentIntents {
		if pi == nil {
			continue
		}
		errs = append(errs, matchIntent(ev, pi, tx.PaymentIntents))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	cf := &Confirmation{Transaction: tx}
	for _, l := range tx.PaymentIntents {
		if l == nil || l.Invoice == "" {
			continue
		}
		inv, err := c.paidInvoice(ctx, ev, l.Invoice)
		if err != nil {
			return nil, err
		}
		cf.Invoices = append(cf.Invoices, inv)
	}
	return cf, nil
}

// matchIntent requires a payload payment intent to be one of the listed
// transaction's, field for field.
func matchIntent(ev *Event, pi *PaymentIntent, listed []*PaymentIntent) error {
	for _, l := range listed {
		if l == nil || (l.ID != pi.ID && (pi.ID != "" || l.Invoice != pi.Invoice)) {
			continue
		}
		return errors.Join(
			sameText(ev, "payment intent id", pi.ID, l.ID),
			sameText(ev, "payment intent invoice", pi.Invoice, l.Invoice),
			sameText(ev, "payment intent customer", pi.Customer, l.Customer),
			sameAmount(ev, "payment intent amount", pi.Amount, l.Amount),
			sameCurrency(ev, "payment intent currency", pi.Currency, l.Currency, ""),
			sameText(ev, "payment intent status", pi.Status, l.Status),
		)
	}
	return notConfirmed(ev, "payment intent %q (invoice %q) is not the listed transaction's", pi.ID, pi.Invoice)
}
