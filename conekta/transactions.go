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

// TransactionsService reads the account's ledger: each movement of money
// (a captured charge, a refund, a payout) and its fee.
type TransactionsService service

// TransactionType is what moved money. Unknown values are kept.
type TransactionType string

// Transaction types.
const (
	TransactionCapture TransactionType = "capture" // a paid charge
	TransactionRefund  TransactionType = "refund"
	TransactionPayout  TransactionType = "payout"
)

// TransactionStatus is where a transaction's money is. Unknown values are
// kept.
type TransactionStatus string

// Transaction statuses.
const (
	TransactionPending   TransactionStatus = "pending"   // counted in Balance.Pending
	TransactionAvailable TransactionStatus = "available" // counted in Balance.Available
)

// Transaction is one movement of the account's money. Amounts are int64
// centavos: Net is Amount less Fee.
type Transaction struct {
	ID        string            `json:"id"`
	Object    string            `json:"object,omitempty"` // "transaction"
	Livemode  bool              `json:"livemode"`
	Type      TransactionType   `json:"type"`
	Status    TransactionStatus `json:"status"`
	ChargeID  string            `json:"charge"` // the charge it comes from
	Amount    int64             `json:"amount"` // centavos
	Fee       int64             `json:"fee"`    // centavos, Conekta's
	Net       int64             `json:"net"`    // centavos
	Currency  string            `json:"currency"`
	CreatedAt Time              `json:"created_at"`
	// Raw is the transaction as Conekta sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the transaction and keeps Raw.
func (t *Transaction) UnmarshalJSON(b []byte) error {
	type plain Transaction
	return unmarshalWithRaw(b, (*plain)(t), &t.Raw)
}

// TransactionListParams filter and page the transaction list. Conekta's
// transaction list has no general search: ListParams.Search is refused.
type TransactionListParams struct {
	ListParams
	ID       string          // id
	ChargeID string          // charge_id: the transactions of one charge
	Type     TransactionType // type
	Currency string          // currency
}

func (p *TransactionListParams) query() (url.Values, error) {
	q := url.Values{}
	if p == nil {
		return q, nil
	}
	if p.Search != "" {
		return nil, check.Invalid(provider, "TransactionListParams.Search", "is set, but Conekta's transaction list has no search; filter by ChargeID, Type or Currency")
	}
	for k, v := range map[string]string{"id": p.ID, "charge_id": p.ChargeID, "type": string(p.Type), "currency": p.Currency} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return p.ListParams.query(q)
}

// Get fetches a transaction (GET /transactions/{id}).
//
// Conekta API: getTransaction.
func (s *TransactionsService) Get(ctx context.Context, id string, opts ...RequestOption) (*Transaction, error) {
	if err := check.ID(provider, "transaction", id); err != nil {
		return nil, err
	}
	return call[Transaction](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/transactions/" + url.PathEscape(id)}, opts)
}

// List fetches one page of transactions (GET /transactions).
//
// Conekta API: getTransactions.
func (s *TransactionsService) List(ctx context.Context, p *TransactionListParams, opts ...RequestOption) (*List[*Transaction], error) {
	q, err := p.query()
	if err != nil {
		return nil, err
	}
	return list(ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/transactions", Query: q}, opts, func(t *Transaction) string { return t.ID })
}

// All iterates over every transaction matching p.
func (s *TransactionsService) All(ctx context.Context, p *TransactionListParams, opts ...RequestOption) iter.Seq2[*Transaction, error] {
	var base TransactionListParams
	if p != nil {
		base = *p
	}
	return allPages(ctx, func(ctx context.Context, cursor string) (*List[*Transaction], error) {
		lp := base
		lp.ListParams = *base.ListParams.after(cursor)
		return s.List(ctx, &lp, opts...)
	})
}
