package conekta

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/pagos-go/pagos/internal/httpcore"
)

// BalanceService reads the account's balance.
type BalanceService service

// Balance is the account's money at Conekta, per currency, in each state.
// Every amount is int64 centavos.
type Balance struct {
	Available              BalanceAmounts `json:"available"` // can be paid out
	Pending                BalanceAmounts `json:"pending"`   // paid charges not yet available
	Retained               BalanceAmounts `json:"retained"`
	TemporarilyRetained    BalanceAmounts `json:"temporarily_retained"`
	RetentionAmount        BalanceAmounts `json:"retention_amount"`
	TargetRetentionAmount  BalanceAmounts `json:"target_retention_amount"`
	CashoutRetentionAmount BalanceAmounts `json:"cashout_retention_amount"`
	ConektaRetention       BalanceAmounts `json:"conekta_retention"`
	Gateway                BalanceAmounts `json:"gateway"`
	// TargetCollateralAmount is an object the spec leaves undescribed.
	TargetCollateralAmount json.RawMessage `json:"target_collateral_amount,omitempty"`
	// Raw is the balance as Conekta sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the balance and keeps Raw.
func (b *Balance) UnmarshalJSON(data []byte) error {
	type plain Balance
	return unmarshalWithRaw(data, (*plain)(b), &b.Raw)
}

// BalanceAmount is an amount in one currency.
type BalanceAmount struct {
	Amount   int64  `json:"amount"` // centavos (minor units of Currency)
	Currency string `json:"currency"`
}

// BalanceAmounts are one state of the balance, an amount per currency.
type BalanceAmounts []*BalanceAmount

// In returns the centavos in currency ("MXN"), 0 when absent.
func (amounts BalanceAmounts) In(currency string) int64 {
	for _, a := range amounts {
		if a != nil && a.Currency == currency {
			return a.Amount
		}
	}
	return 0
}

// Get fetches the balance (GET /balance).
//
// Conekta API: getBalance.
func (s *BalanceService) Get(ctx context.Context, opts ...RequestOption) (*Balance, error) {
	return call[Balance](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/balance"}, opts)
}
