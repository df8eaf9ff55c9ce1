package toku

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// PaymentsService lists what Toku collected (GET /organization/payments), for
// the daily reconciliation Toku recommends: deliveries can be missed, so
// compare what Toku has against the events you processed.
type PaymentsService service

// TransactionStatus is a transaction's state.
type TransactionStatus string

// TransactionSuccess is the status of a completed payment; other values are
// kept as Toku sends them.
const TransactionSuccess TransactionStatus = "SUCCESS"

// Transaction is a Toku transaction ("trs_…"): money that moved, covering
// one or more invoices through its payment intents.
//
// Toku publishes the transaction object but not the exact item shape of the
// payments list. pagos reads the published shape ({"transaction": {…},
// "customer": {…}, "payment_intents": […], "payment_instrument": {…}}) and a
// flat one (the transaction's own fields, or a manual payment's
// payment_amount and payment_date) alike, and keeps every item's Raw JSON.
// Unconfirmed for the list: the field names of flat items and whether
// TransactionDate is local time (it carries no zone; pagos reads it as UTC).
type Transaction struct {
	ID                string            `json:"id"`
	Type              string            `json:"type"`   // such as "PAYMENT"
	Amount            Amount            `json:"amount"` // major units of Currency
	Currency          string            `json:"currency"`
	TransactionDate   *Time             `json:"transaction_date"`
	Status            TransactionStatus `json:"status"`
	ResponseCode      Text              `json:"response_code"`
	Voucher           string            `json:"voucher"`
	CheckoutSessionID string            `json:"id_checkout_session"`
	Metadata          json.RawMessage   `json:"transaction_metadata"`

	Customer       *Customer          `json:"customer"`
	PaymentIntents []*PaymentIntent   `json:"payment_intents"`
	Instrument     *PaymentInstrument `json:"payment_instrument"`

	Raw json.RawMessage `json:"-"` // the item as Toku sent it
}

// PaymentInstrument is how a transaction was paid.
type PaymentInstrument struct {
	Type     string          `json:"type"` // "card", "transfer", "cash", …
	Card     *Card           `json:"card"`
	Transfer json.RawMessage `json:"transfer"`
	Cash     json.RawMessage `json:"cash"`
}

// UnmarshalJSON reads the nested and the flat shapes and keeps Raw.
func (t *Transaction) UnmarshalJSON(b []byte) error {
	type fields struct {
		ID                string            `json:"id"`
		Type              string            `json:"type"`
		Amount            *Amount           `json:"amount"`
		PaymentAmount     *Amount           `json:"payment_amount"`
		Currency          string            `json:"currency"`
		TransactionDate   *Time             `json:"transaction_date"`
		PaymentDate       *Time             `json:"payment_date"`
		Status            TransactionStatus `json:"status"`
		ResponseCode      Text              `json:"response_code"`
		Voucher           string            `json:"voucher"`
		CheckoutSessionID string            `json:"id_checkout_session"`
		Metadata          json.RawMessage   `json:"transaction_metadata"`
	}
	var v struct {
		fields
		Transaction    *fields            `json:"transaction"`
		Customer       json.RawMessage    `json:"customer"`
		PaymentIntents []*PaymentIntent   `json:"payment_intents"`
		Instrument     *PaymentInstrument `json:"payment_instrument"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	f := v.fields
	if v.Transaction != nil {
		f = *v.Transaction // the flat id of an event body is the event's, not the transaction's
	}
	*t = Transaction{
		ID: f.ID, Type: f.Type, Currency: f.Currency, Status: f.Status, ResponseCode: f.ResponseCode,
		Voucher: f.Voucher, CheckoutSessionID: f.CheckoutSessionID, Metadata: f.Metadata,
		TransactionDate: f.TransactionDate, PaymentIntents: v.PaymentIntents, Instrument: v.Instrument,
		Raw: append(json.RawMessage(nil), b...),
	}
	switch {
	case f.Amount != nil:
		t.Amount = *f.Amount
	case f.PaymentAmount != nil:
		t.Amount = *f.PaymentAmount
	}
	if t.TransactionDate == nil {
		t.TransactionDate = f.PaymentDate
	}
	if c := bytes.TrimSpace(v.Customer); len(c) > 0 {
		switch c[0] {
		case '{':
			t.Customer = new(Customer)
			if err := json.Unmarshal(c, t.Customer); err != nil {
				return err
			}
		case '"':
			var id string
			if err := json.Unmarshal(c, &id); err != nil {
				return err
			}
			t.Customer = &Customer{ID: id}
		}
	}
	return nil
}

// MarshalJSON writes the item as Toku sent it.
func (t *Transaction) MarshalJSON() ([]byte, error) {
	if len(t.Raw) > 0 {
		return t.Raw, nil
	}
	type plain Transaction
	return json.Marshal((*plain)(t))
}

// PaymentListParams selects payments by date; both dates are inclusive and
// required. Toku's docs recommend querying the previous day, once a day.
type PaymentListParams struct {
	StartDate Date
	EndDate   Date
	Status    TransactionStatus // TransactionSuccess for completed payments only
	Page      int               // 1-based; 0 means 1
	PageSize  int               // 0 means 100
}

// DefaultPaymentPageSize is the page size when PaymentListParams.PageSize is 0.
const DefaultPaymentPageSize = 100

func (p *PaymentListParams) query() (url.Values, error) {
	if p == nil || p.StartDate.IsZero() || p.EndDate.IsZero() {
		return nil, check.Invalid("toku", "PaymentListParams", "StartDate and EndDate are required, such as yesterday's date for both")
	}
	if !p.StartDate.valid() || !p.EndDate.valid() {
		return nil, check.Invalid("toku", "PaymentListParams", "StartDate or EndDate is not a calendar date")
	}
	if p.EndDate.Before(p.StartDate) {
		return nil, check.Invalid("toku", "PaymentListParams.EndDate", "%s is before StartDate %s", p.EndDate, p.StartDate)
	}
	if p.Page < 0 || p.PageSize < 0 {
		return nil, check.Invalid("toku", "PaymentListParams", "Page and PageSize must not be negative")
	}
	q := url.Values{
		"page":       {strconv.Itoa(max(p.Page, 1))},
		"page_size":  {strconv.Itoa(p.pageSize())},
		"start_date": {p.StartDate.String()},
		"end_date":   {p.EndDate.String()},
	}
	if p.Status != "" {
		q.Set("status", string(p.Status))
	}
	return q, nil
}

func (p *PaymentListParams) pageSize() int {
	if p.PageSize == 0 {
		return DefaultPaymentPageSize
	}
	return p.PageSize
}

// PaymentPage is one page of the payments list. Toku numbers these pages
// instead of giving a cursor, so the page number stands where List has
// NextCursor; Data is named as in List.
type PaymentPage struct {
	Page int
	Data []*Transaction
}

// UnmarshalJSON accepts a bare array or an object holding the items under
// "items", "data", "results", "payments" or "transactions".
func (p *PaymentPage) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		return json.Unmarshal(b, &p.Data)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return err
	}
	for _, k := range []string{"items", "data", "results", "payments", "transactions"} {
		if raw, ok := top[k]; ok && len(raw) > 0 && raw[0] == '[' {
			return json.Unmarshal(raw, &p.Data)
		}
	}
	return fmt.Errorf("toku: payments list has no items array (keys present: %d)", len(top))
}

// List fetches one page of payments (GET /organization/payments).
func (s *PaymentsService) List(ctx context.Context, p *PaymentListParams, opts ...RequestOption) (*PaymentPage, error) {
	q, err := p.query()
	if err != nil {
		return nil, err
	}
	out, err := call[PaymentPage](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/organization/payments", Query: q}, opts)
	if err != nil {
		return nil, err
	}
	out.Page = max(p.Page, 1)
	return out, nil
}

// All iterates over every payment in the date range, page by page, until a
// page comes back empty. It does not stop at a page shorter than the page
// size asked for, since Toku may cap the page size; and a page that repeats
// the previous one (as if Toku ignored the page number) ends the walk with an
// error rather than looping.
func (s *PaymentsService) All(ctx context.Context, p *PaymentListParams, opts ...RequestOption) iter.Seq2[*Transaction, error] {
	var base PaymentListParams
	if p != nil {
		base = *p
	}
	var previous string
	return httpcore.Pages(ctx, func(ctx context.Context, cursor string) ([]*Transaction, string, error) {
		lp := base
		if cursor != "" {
			lp.Page, _ = strconv.Atoi(cursor)
		}
		page, err := s.List(ctx, &lp, opts...)
		if err != nil || len(page.Data) == 0 {
			return nil, "", err
		}
		ids := make([]byte, 0, 32*len(page.Data))
		for _, t := range page.Data {
			ids = append(append(ids, t.ID...), 0)
		}
		if string(ids) == previous {
			return nil, "", fmt.Errorf("toku: payments page %d repeats page %d; stopping rather than looping", page.Page, page.Page-1)
		}
		previous = string(ids)
		return page.Data, strconv.Itoa(page.Page + 1), nil
	})
}
