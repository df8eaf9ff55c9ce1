package conekta

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// TransfersService reads the transfers Conekta made from the balance to the
// account's bank account.
type TransfersService service

// TransferStatus is a transfer's status. Unknown values are kept.
type TransferStatus string

// Transfer statuses.
const (
	TransferPending TransferStatus = "pending"
	TransferPaid    TransferStatus = "paid"
)

// Transfer is money sent from the balance to a bank account. Amount is
// int64 centavos.
type Transfer struct {
	ID                   string         `json:"id"`
	Object               string         `json:"object,omitempty"` // "transfer"
	Livemode             bool           `json:"livemode"`
	Status               TransferStatus `json:"status"`
	Amount               int64          `json:"amount"` // centavos
	Currency             string         `json:"currency"`
	StatementDescription string         `json:"statement_description,omitempty"`
	StatementReference   string         `json:"statement_reference,omitempty"` // on the bank statement
	// Destination is the bank account. Conekta names it "destination" when
	// one transfer is fetched and "method" in lists; either fills it.
	Destination *TransferDestination `json:"destination,omitempty"`
	CreatedAt   Time                 `json:"created_at"`
	// Raw is the transfer as Conekta sent it.
	Raw json.RawMessage `json:"-"`
}

// TransferDestination is the bank account a transfer went to.
type TransferDestination struct {
	ID            string `json:"id"`
	Object        string `json:"object,omitempty"` // "bank_transfer_payout_method"
	Type          string `json:"type,omitempty"`   // "BankTransferPayoutMethod"
	AccountHolder string `json:"account_holder"`
	AccountNumber string `json:"account_number"` // the CLABE
	Bank          string `json:"bank"`
	PayeeID       string `json:"payee_id,omitempty"`
	CreatedAt     Time   `json:"created_at"`
}

// UnmarshalJSON decodes the transfer, reading "method" as Destination when
// "destination" is absent, and keeps Raw.
func (t *Transfer) UnmarshalJSON(b []byte) error {
	type plain Transfer
	var v struct {
		plain
		Method *TransferDestination `json:"method"`
	}
	if err := unmarshalWithRaw(b, &v, &v.Raw); err != nil {
		return err
	}
	*t = Transfer(v.plain)
	if t.Destination == nil {
		t.Destination = v.Method
	}
	return nil
}

// Get fetches a transfer (GET /transfers/{id}).
//
// Conekta API: getTransfer.
func (s *TransfersService) Get(ctx context.Context, id string, opts ...RequestOption) (*Transfer, error) {
	if err := check.ID(provider, "transfer", id); err != nil {
		return nil, err
	}
	return call[Transfer](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/transfers/" + url.PathEscape(id)}, opts)
}

// List fetches one page of transfers (GET /transfers).
//
// Conekta API: getTransfers.
func (s *TransfersService) List(ctx context.Context, p *ListParams, opts ...RequestOption) (*List[*Transfer], error) {
	q, err := p.query(url.Values{})
	if err != nil {
		return nil, err
	}
	return list(ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/transfers", Query: q}, opts, func(t *Transfer) string { return t.ID })
}

// All iterates over every transfer.
func (s *TransfersService) All(ctx context.Context, p *ListParams, opts ...RequestOption) iter.Seq2[*Transfer, error] {
	return allPages(ctx, func(ctx context.Context, cursor string) (*List[*Transfer], error) {
		return s.List(ctx, p.after(cursor), opts...)
	})
}
