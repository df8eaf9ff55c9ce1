package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/pagos-go/pagos"
	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/fygaro"
	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/tpaga"
)

// Shop takes money through the four providers: it creates what a customer
// pays with (a Toku invoice, a Conekta OXXO reference, a Fygaro link, a Tpaga
// Efecty reference), and its On… functions record the payments the
// providers' webhooks report. Production mounts them with the providers'
// secrets (main.go); tests wire them to the fakes with Subscribe
// (shop_test.go).
type Shop struct {
	Toku    *toku.Client
	Conekta *conekta.Client
	Fygaro  *fygaro.Button
	Tpaga   *tpaga.Client

	mu   sync.Mutex
	paid map[string]string // "provider id" → amount; a real shop uses its database
}

// Paid returns what a provider reported paid for id ("" if nothing yet).
func (s *Shop) Paid(provider, id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.paid[provider+" "+id]
}

// record keeps a payment once, keyed by the provider's own id, so a
// redelivery changes nothing.
func (s *Shop) record(provider, id, amount string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.paid == nil {
		s.paid = map[string]string{}
	}
	s.paid[provider+" "+id] = amount
	return nil
}

// Routes serves the shop's API: each POST creates something to pay with.
func (s *Shop) Routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /invoices", s.createInvoice)
	mux.HandleFunc("POST /oxxo", s.createOXXO)
	mux.HandleFunc("POST /links", s.createLink)
	mux.HandleFunc("POST /efecty", s.createEfecty)
	return mux
}

// order is what every create takes: who pays, and how much in whole units
// of the provider's currency (CLP, MXN, USD or COP).
type order struct {
	ID       string `json:"id"` // the shop's order id
	Name     string `json:"name"`
	Email    string `json:"email"`
	Phone    string `json:"phone"`
	Document string `json:"document"` // RUT for Toku, cédula for Tpaga
	Amount   int64  `json:"amount"`
}

func (s *Shop) createInvoice(w http.ResponseWriter, r *http.Request) {
	serve(w, r, func(ctx context.Context, o *order) (any, error) {
		cus, err := s.Toku.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: o.Document, Mail: o.Email, Name: o.Name})
		if err != nil {
			return nil, err
		}
		inv, err := s.Toku.Invoices.Create(ctx, &toku.InvoiceParams{Customer: cus.ID, ProductID: o.ID,
			DueDate: toku.DateOf(time.Now().AddDate(0, 0, 7)), Amount: toku.AmountFromWhole(o.Amount)})
		if err != nil {
			return nil, err
		}
		return map[string]string{"invoice": inv.ID}, nil
	})
}

func (s *Shop) createOXXO(w http.ResponseWriter, r *http.Request) {
	serve(w, r, func(ctx context.Context, o *order) (any, error) {
		ord, err := s.Conekta.Orders.Create(ctx, &conekta.OrderParams{Currency: "MXN",
			CustomerInfo: &conekta.CustomerInfo{Name: o.Name, Email: o.Email, Phone: o.Phone},
			LineItems:    []*conekta.LineItem{{Name: "Pedido " + o.ID, UnitPrice: o.Amount * 100, Quantity: 1}}, // centavos
			Charges:      []*conekta.ChargeParams{conekta.ChargeCash(conekta.Time{})},
			Metadata:     conekta.Metadata{"order": o.ID}})
		if err != nil {
			return nil, err
		}
		ref, ok := ord.CashReference()
		if !ok {
			return nil, fmt.Errorf("conekta order %s has no cash reference", ord.ID)
		}
		return map[string]string{"order": ord.ID, "reference": ref}, nil
	})
}

func (s *Shop) createLink(w http.ResponseWriter, r *http.Request) {
	serve(w, r, func(ctx context.Context, o *order) (any, error) {
		link, err := s.Fygaro.Link(&fygaro.LinkParams{Amount: fygaro.AmountFromWhole(o.Amount), Currency: "USD",
			CustomReference: o.ID, ExpiresAt: time.Now().Add(time.Hour)})
		if err != nil {
			return nil, err
		}
		return map[string]string{"link": link}, nil
	})
}

func (s *Shop) createEfecty(w http.ResponseWriter, r *http.Request) {
	serve(w, r, func(ctx context.Context, o *order) (any, error) {
		ref, err := s.Tpaga.References.Create(ctx, &tpaga.ReferenceParams{Description: "Pedido " + o.ID, Amount: o.Amount,
			Requester: tpaga.Requester{FirstNames: o.Name, LastNames: "-", DocumentType: tpaga.DocumentCC, DocumentNumber: o.Document}})
		if err != nil {
			return nil, err
		}
		code, ok := ref.Code()
		if !ok {
			return nil, errors.New("tpaga returned a reference without a code")
		}
		return map[string]string{"reference": code, "agreement": ref.Agreement}, nil
	})
}

// serve decodes an order, runs create and answers its result as JSON: 400
// when pagos refused the input (the error names the field), 502 otherwise.
func serve(w http.ResponseWriter, r *http.Request, create func(context.Context, *order) (any, error)) {
	var o order
	if err := json.NewDecoder(r.Body).Decode(&o); err != nil {
		http.Error(w, "bad JSON: "+err.Error(), http.StatusBadRequest)
		return
	}
	out, err := create(r.Context(), &o)
	var pe *pagos.ParamError
	switch {
	case errors.As(err, &pe):
		http.Error(w, err.Error(), http.StatusBadRequest)
	case err != nil:
		http.Error(w, err.Error(), http.StatusBadGateway)
	default:
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	}
}

// OnToku records a Toku payment once the API confirmed it (mount the handler
// with webhook.WithTokuConfirmation: Toku signs only the event id).
func (s *Shop) OnToku(_ context.Context, e *toku.Event) error {
	if e.Type != toku.EventTransactionSuccess || !e.Authenticated() {
		return nil
	}
	tr, err := e.Transaction()
	if err != nil {
		return err // 500: Toku sends it again
	}
	return s.record("toku", tr.ID, tr.Amount.String())
}

// OnConekta records a paid Conekta order (amounts in centavos).
func (s *Shop) OnConekta(_ context.Context, e *conekta.Event) error {
	if e.Type != conekta.EventOrderPaid {
		return nil
	}
	o, err := e.Order()
	if err != nil {
		return err
	}
	return s.record("conekta", o.ID, strconv.FormatInt(o.Amount, 10))
}

// OnFygaro records a Fygaro payment, by Fygaro's transaction reference.
func (s *Shop) OnFygaro(_ context.Context, h *fygaro.Hook) error {
	c, err := h.Claims()
	if err != nil {
		return err
	}
	return s.record("fygaro", h.Reference, c.Amount.String()+" "+c.Currency)
}

// OnTpaga records an Efecty deposit, by Efecty's order id.
func (s *Shop) OnTpaga(_ context.Context, n *tpaga.Notification) error {
	amount, err := n.Amount()
	if err != nil {
		return err
	}
	return s.record("tpaga", n.EfectyOrderID, strconv.FormatInt(amount, 10))
}
