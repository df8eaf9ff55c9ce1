package toku

import (
	"context"

	"github.com/pagos-go/pagos/internal/check"
)

// ReconcileParams describes a reconciliation run.
type ReconcileParams struct {
	// From and To are the days to check, inclusive, as your system counts
	// them. Toku's day boundary (its time zone) is not documented, so pagos
	// queries one more day on each side.
	From, To Date
	// Seen reports whether your system already recorded the transaction with
	// this id ("trs_…"). Because of the overlap it is asked about payments
	// from the day before From and the day after To too, so answer from all
	// your records, not only those of From..To. SeenIDs builds one from a list.
	Seen func(ctx context.Context, transactionID string) (bool, error)
	// Status filters what Toku returns; empty means TransactionSuccess.
	Status TransactionStatus
	// PageSize for the underlying list; 0 means DefaultPaymentPageSize.
	PageSize int
}

// Reconciliation is the result of Reconcile.
type Reconciliation struct {
	// QueriedFrom and QueriedTo are the dates sent to Toku: From-1 and To+1.
	QueriedFrom, QueriedTo Date
	// Checked counts the transactions Toku returned.
	Checked int
	// Missing lists what Toku has that Seen did not know, each with its Raw
	// item. Process them as you would the events you missed.
	Missing []*Transaction
}

// SeenIDs returns a Seen function answering from a fixed set of ids.
func SeenIDs(ids ...string) func(context.Context, string) (bool, error) {
	set := make(map[string]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return func(_ context.Context, id string) (bool, error) { return set[id], nil }
}

// Reconcile lists Toku's payments over From-1..To+1 and returns those Seen
// does not know, matching on the transaction id. Items with no id are
// reported as missing, since they cannot be matched.
func (s *PaymentsService) Reconcile(ctx context.Context, p *ReconcileParams, opts ...RequestOption) (*Reconciliation, error) {
	if p == nil || p.Seen == nil {
		return nil, check.Invalid("toku", "ReconcileParams.Seen", "is required: a function telling which transaction ids your system recorded")
	}
	if p.From.IsZero() || p.To.IsZero() || !p.From.valid() || !p.To.valid() || p.To.Before(p.From) {
		return nil, check.Invalid("toku", "ReconcileParams", "From and To must be calendar dates with From <= To")
	}
	status := p.Status
	if status == "" {
		status = TransactionSuccess
	}
	r := &Reconciliation{QueriedFrom: p.From.AddDays(-1), QueriedTo: p.To.AddDays(1)}
	list := &PaymentListParams{StartDate: r.QueriedFrom, EndDate: r.QueriedTo, Status: status, PageSize: p.PageSize}
	seenHere := map[string]bool{} // the overlap can return an item on two pages
	for t, err := range s.All(ctx, list, opts...) {
		if err != nil {
			return nil, err
		}
		r.Checked++
		if t.ID != "" {
			if seenHere[t.ID] {
				continue
			}
			seenHere[t.ID] = true
			known, err := p.Seen(ctx, t.ID)
			if err != nil {
				return nil, err
			}
			if known {
				continue
			}
		}
		r.Missing = append(r.Missing, t)
	}
	return r, nil
}
