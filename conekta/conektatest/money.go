package conektatest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/pagos-go/pagos/conekta"
)

// fakeBankAccount is where the fake's transfers go.
var fakeBankAccount = map[string]any{"id": "pytmtd_2ide3qwTdDvNBosEC", "object": "bank_transfer_payout_method", "type": "BankTransferPayoutMethod",
	"account_holder": "Comercio de Prueba", "account_number": "012180023547896764", "bank": "BBVA Bancomer", "payee_id": "payee_2icdDewRxDENBos85",
	"created_at": 1553273553}

// transactionsLocked derives the ledger from the orders: a capture for
// every paid charge (pending until SettlementDelay has passed since it was
// paid, by the fake's clock; then available) and a refund for every refund.
func (s *Server) transactionsLocked() []*conekta.Transaction {
	now := s.now()
	var out []*conekta.Transaction
	for _, oid := range s.orderIDs {
		for _, ch := range s.orders[oid].Charges.Data {
			if ch.PaidAt.IsZero() {
				continue
			}
			st := conekta.TransactionPending
			if !ch.PaidAt.Add(SettlementDelay).After(now) {
				st = conekta.TransactionAvailable
			}
			out = append(out, &conekta.Transaction{ID: "txn_" + ch.ID, Object: "transaction", Type: conekta.TransactionCapture, Status: st,
				ChargeID: ch.ID, Amount: ch.Amount, Fee: ch.Fee, Net: ch.Amount - ch.Fee, Currency: ch.Currency, CreatedAt: ch.PaidAt})
			if ch.Refunds == nil {
				continue
			}
			for _, ref := range ch.Refunds.Data {
				out = append(out, &conekta.Transaction{ID: "txn_" + ref.ID, Object: "transaction", Type: conekta.TransactionRefund,
					Status: conekta.TransactionAvailable, ChargeID: ch.ID, Amount: -ref.Amount, Net: -ref.Amount, Currency: ch.Currency, CreatedAt: ref.CreatedAt})
			}
		}
	}
	return out
}

// balanceLocked is the balance in centavos per currency: captures' net
// pending or available, less what went to the bank and to payout orders
// that were not cancelled.
func (s *Server) balanceLocked() (pending, available map[string]int64) {
	pending, available = map[string]int64{}, map[string]int64{}
	for _, t := range s.transactionsLocked() {
		if t.Status == conekta.TransactionPending {
			pending[t.Currency] += t.Net
		} else {
			available[t.Currency] += t.Net
		}
	}
	for cur, n := range s.billing.transferred {
		available[cur] -= n
	}
	for _, id := range s.billing.payoutIDs {
		if po := s.billing.payouts[id]; po.Status != conekta.PayoutOrderCancelled {
			available[po.Currency] -= po.Amount
		}
	}
	return pending, available
}

func amounts(m map[string]int64) []map[string]any {
	out := []map[string]any{}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		out = append(out, map[string]any{"amount": m[k], "currency": k})
	}
	return out
}

// Balance returns the fake's available and pending balance in currency
// ("MXN"), in centavos.
func (s *Server) Balance(currency string) (available, pending int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, a := s.balanceLocked()
	return a[currency], p[currency]
}

func (s *Server) getBalance(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pending, available := s.balanceLocked()
	none := []map[string]any{}
	writeJSON(w, http.StatusOK, map[string]any{"available": amounts(available), "pending": amounts(pending), "retained": none,
		"temporarily_retained": none, "retention_amount": none, "target_retention_amount": none, "cashout_retention_amount": none,
		"conekta_retention": none, "gateway": none, "target_collateral_amount": map[string]any{}})
}

func (s *Server) listTransactions(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := r.URL.Query()
	all := map[string]*conekta.Transaction{}
	var ids []string
	for _, t := range s.transactionsLocked() {
		switch {
		case q.Get("id") != "" && t.ID != q.Get("id"):
		case q.Get("charge_id") != "" && t.ChargeID != q.Get("charge_id"):
		case q.Get("type") != "" && string(t.Type) != q.Get("type"):
		case q.Get("currency") != "" && t.Currency != q.Get("currency"):
		default:
			all[t.ID] = t
			ids = append(ids, t.ID)
		}
	}
	out, err := s.page(r, ids, func(id string) any { return all[id] })
	s.answer(w, out, err)
}

func (s *Server) getTransaction(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.transactionsLocked() {
		if t.ID == r.PathValue("id") {
			s.answer(w, t, nil)
			return
		}
	}
	s.answer(w, nil, notFound("transaction", r.PathValue("id")))
}

// Transfer does what Conekta does on the account's payout schedule: it sends
// the available balance in currency to the merchant's bank account, and
// returns the transfer, or nil when nothing is available.
func (s *Server) Transfer(currency string) *conekta.Transfer {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, available := s.balanceLocked()
	n := available[currency]
	if n <= 0 {
		return nil
	}
	s.billing.transferred[currency] += n
	ref := s.newID("")
	t := &conekta.Transfer{ID: s.newID("tr_"), Object: "transfer", Status: conekta.TransferPaid, Amount: n, Currency: currency,
		StatementDescription: "Conekta " + ref, StatementReference: ref, CreatedAt: conekta.TimeOf(s.now()),
		Destination: wire[conekta.TransferDestination](fakeBankAccount)}
	s.billing.transfers[t.ID] = t
	s.billing.transferIDs = append(s.billing.transferIDs, t.ID)
	return t
}

// renderTransfer names the bank account "method" in lists and
// "destination" in a single transfer, as the OpenAPI file does.
func renderTransfer(t *conekta.Transfer, inList bool) map[string]any {
	m := toMap(t)
	if inList {
		m["method"] = m["destination"]
		delete(m, "destination")
	}
	return m
}

func (s *Server) listTransfers(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out, err := s.page(r, s.billing.transferIDs, func(id string) any { return renderTransfer(s.billing.transfers[id], true) })
	s.answer(w, out, err)
}

func (s *Server) getTransfer(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := find(s.billing.transfers, "transfer", r.PathValue("id"))
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	s.answer(w, renderTransfer(t, false), nil)
}

// --- payout orders ---------------------------------------------------------

func (s *Server) createPayoutOrder(w http.ResponseWriter, r *http.Request) {
	var p struct {
		Amount               int64            `json:"amount"`
		Currency             string           `json:"currency"`
		Reason               string           `json:"reason"`
		AllowedPayoutMethods []string         `json:"allowed_payout_methods"`
		ExpiresAt            conekta.Time     `json:"expires_at"`
		Metadata             conekta.Metadata `json:"metadata"`
		CustomerInfo         *struct {
			CustomerID string `json:"customer_id"`
		} `json:"customer_info"`
		Payout *struct {
			PayoutMethod *struct {
				Type string `json:"type"`
			} `json:"payout_method"`
		} `json:"payout"`
	}
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	var err error
	switch {
	case p.Amount < 1:
		err = invalid("amount", "The amount must be 1 or more centavos.")
	case len(p.Currency) != 3:
		err = invalid("currency", "The currency must have 3 letters.")
	case p.Reason == "":
		err = invalid("reason", "The reason is required.")
	case len(p.AllowedPayoutMethods) == 0:
		err = invalid("allowed_payout_methods", "The allowed_payout_methods are required.")
	case p.ExpiresAt.IsZero():
		err = invalid("expires_at", "The expires_at is required.")
	case p.CustomerInfo == nil || p.CustomerInfo.CustomerID == "":
		err = invalid("customer_info.customer_id", "The customer_info.customer_id is required.")
	case p.Payout == nil || p.Payout.PayoutMethod == nil || p.Payout.PayoutMethod.Type == "":
		err = invalid("payout.payout_method.type", "The payout.payout_method.type is required.")
	case !slices.Contains(p.AllowedPayoutMethods, p.Payout.PayoutMethod.Type):
		err = invalid("payout.payout_method.type", "The payout method is not among the allowed_payout_methods.")
	}
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	s.mu.Lock()
	var out any
	var events []json.RawMessage
	c, err := find(s.customers, "customer", p.CustomerInfo.CustomerID)
	if err == nil {
		if _, available := s.balanceLocked(); available[p.Currency] < p.Amount {
			err = &apiError{http.StatusPaymentRequired, "processing_error", conekta.ErrorDetail{Code: "conekta.errors.processing.payout.insufficient_balance",
				Message: "The balance is not enough for this payout.", DebugMessage: "The available balance is less than the payout amount."}}
		}
	}
	if err == nil {
		now := conekta.TimeOf(s.now())
		if p.Metadata == nil {
			p.Metadata = conekta.Metadata{}
		}
		po := &conekta.PayoutOrder{ID: s.newID("po_"), Object: "payout_order", Status: conekta.PayoutOrderOpen, Amount: p.Amount, Currency: p.Currency,
			Reason: p.Reason, AllowedPayoutMethods: p.AllowedPayoutMethods, Metadata: p.Metadata, ExpiresAt: p.ExpiresAt, CreatedAt: now, UpdatedAt: now,
			CustomerInfo: &conekta.PayoutCustomerInfo{ID: c.ID, Object: "customer_info", Name: c.Name, Email: c.Email, Phone: c.Phone,
				CustomReference: c.CustomReference}}
		po.Payouts = []*conekta.Payout{{ID: s.newID("payout_"), Object: "payout", Status: "open", Amount: p.Amount, Currency: p.Currency,
			PayoutOrderID: po.ID, ExpiresAt: p.ExpiresAt}}
		s.billing.payouts[po.ID] = po
		s.billing.payoutIDs = append(s.billing.payoutIDs, po.ID)
		out = renderPayoutOrder(po)
		events = append(events, s.emitLocked(conekta.EventPayoutOrderCreated, out))
	}
	s.mu.Unlock()
	s.dispatch(events...)
	s.answer(w, out, err)
}

func renderPayoutOrder(po *conekta.PayoutOrder) map[string]any {
	m := toMap(po)
	if ci, ok := m["customer_info"].(map[string]any); ok {
		setDefault(ci, "corporate", false)
		setDefault(ci, "customer_custom_reference", nil)
	}
	return m
}

func (s *Server) listPayoutOrders(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	search := strings.ToLower(r.URL.Query().Get("search"))
	var ids []string
	for _, id := range s.billing.payoutIDs {
		po := s.billing.payouts[id]
		meta, _ := json.Marshal(po.Metadata)
		if search == "" || strings.Contains(strings.ToLower(po.ID+" "+po.Reason+" "+string(meta)), search) {
			ids = append(ids, id)
		}
	}
	out, err := s.page(r, ids, func(id string) any { return renderPayoutOrder(s.billing.payouts[id]) })
	s.answer(w, out, err)
}

func (s *Server) getPayoutOrder(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	po, err := find(s.billing.payouts, "payout_order", r.PathValue("id"))
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	s.answer(w, renderPayoutOrder(po), nil)
}

func (s *Server) cancelPayoutOrder(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	po, err := find(s.billing.payouts, "payout_order", r.PathValue("id"))
	var out any
	var events []json.RawMessage
	switch {
	case err != nil:
	case po.Status == conekta.PayoutOrderCancelled:
		out = renderPayoutOrder(po) // cancelling again changes nothing
	case po.Status != conekta.PayoutOrderOpen:
		err = precondition("payout_order.cannot_be_cancelled", "Only an open payout order can be cancelled.")
	default:
		po.Status, po.UpdatedAt = conekta.PayoutOrderCancelled, conekta.TimeOf(s.now())
		for _, p := range po.Payouts {
			p.Status = "cancelled"
		}
		out = renderPayoutOrder(po)
		events = append(events, s.emitLocked(conekta.EventPayoutOrderCancelled, out))
	}
	s.mu.Unlock()
	s.dispatch(events...)
	s.answer(w, out, err)
}

// CollectPayout does what a customer collecting a payout order's cash at a
// store causes: the order is closed and payout_order.closed is sent. It
// fails the way Conekta would refuse it: an unknown or not open order.
func (s *Server) CollectPayout(id string) error {
	s.mu.Lock()
	po, err := find(s.billing.payouts, "payout_order", id)
	var events []json.RawMessage
	switch {
	case err != nil:
	case po.Status != conekta.PayoutOrderOpen:
		err = precondition("payout_order.not_open", "The payout order is "+string(po.Status)+", not open.")
	default:
		po.Status, po.UpdatedAt = conekta.PayoutOrderClosed, conekta.TimeOf(s.now())
		for _, p := range po.Payouts {
			p.Status = "paid"
		}
		events = append(events, s.emitLocked(conekta.EventPayoutOrderClosed, renderPayoutOrder(po)))
	}
	s.mu.Unlock()
	s.dispatch(events...)
	return err
}
