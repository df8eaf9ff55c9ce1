package conektatest

import (
	"encoding/json"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/pagos-go/pagos/conekta"
)

// commerce is the fake's state for payment links; orders, their charges
// and their lines live in the orders map. Its zero value is ready: maps are
// made on first use, under the server's lock.
type commerce struct {
	checkouts   map[string]*checkout
	checkoutIDs []string
}

// commerceRoutes registers charges, order lines, refund cancelling and
// payment links.
func (s *Server) commerceRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /charges", s.listCharges)
	mux.HandleFunc("PUT /charges/{id}", s.updateCharge)
	mux.HandleFunc("POST /orders/{id}/charges", s.addCharge(false))
	mux.HandleFunc("POST /orders/{id}/add_charges", s.addCharge(true))
	mux.HandleFunc("DELETE /orders/{id}/refunds/{refund}", s.cancelRefund)
	mux.HandleFunc("POST /orders/{id}/{kind}", s.createLine)
	mux.HandleFunc("GET /orders/{id}/discount_lines", s.listDiscountLines)
	mux.HandleFunc("GET /orders/{id}/discount_lines/{line}", s.lineAction)
	mux.HandleFunc("PUT /orders/{id}/{kind}/{line}", s.lineAction)
	mux.HandleFunc("DELETE /orders/{id}/{kind}/{line}", s.lineAction)
	mux.HandleFunc("POST /checkouts", s.createCheckout)
	mux.HandleFunc("GET /checkouts", s.listCheckouts)
	mux.HandleFunc("GET /checkouts/{id}", s.getCheckout)
	mux.HandleFunc("PUT /checkouts/{id}/cancel", s.cancelCheckout)
	mux.HandleFunc("POST /checkouts/{id}/email", s.emailCheckout)
}

// --- charges ------------------------------------------------------------------

// chargeLocked finds a charge of any order.
func (s *Server) chargeLocked(id string) (*conekta.Order, *conekta.Charge, error) {
	for _, oid := range s.orderIDs {
		o := s.orders[oid]
		for _, ch := range o.Charges.Data {
			if ch.ID == id {
				return o, ch, nil
			}
		}
	}
	return nil, nil, notFound("charge", id)
}

func (s *Server) listCharges(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	search := strings.ToLower(r.URL.Query().Get("search"))
	var ids []string
	byID := map[string]*conekta.Charge{}
	for _, oid := range s.orderIDs {
		o := s.orders[oid]
		for _, ch := range o.Charges.Data {
			if search != "" && !strings.Contains(strings.ToLower(ch.ID+" "+ch.ReferenceID+" "+o.ID+" "+o.CustomerInfo.Email), search) {
				continue
			}
			ids = append(ids, ch.ID)
			byID[ch.ID] = ch
		}
	}
	out, err := s.page(r, ids, func(id string) any { return byID[id] })
	s.answer(w, out, err)
}

func (s *Server) updateCharge(w http.ResponseWriter, r *http.Request) {
	var p map[string]json.RawMessage
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	var ref string
	for k, v := range p {
		if k != "reference_id" || json.Unmarshal(v, &ref) != nil {
			s.answer(w, nil, invalid(k, "Only reference_id, a string, can be changed."))
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ch, err := s.chargeLocked(r.PathValue("id"))
	if err == nil {
		ch.ReferenceID = ref
	}
	s.answer(w, ch, err)
}

// addCharge charges an unpaid order again: POST /orders/{id}/charges
// answers the charge, /add_charges the order's charges.
func (s *Server) addCharge(many bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var p conekta.ChargeParams
		if err := decodeBody(r, &p); err != nil {
			s.answer(w, nil, err)
			return
		}
		if p.PaymentMethod == nil || p.PaymentMethod.Type == "" {
			s.answer(w, nil, invalid("payment_method.type", "The payment_method type is required."))
			return
		}
		s.mu.Lock()
		o, err := find(s.orders, "order", r.PathValue("id"))
		var (
			ch     *conekta.Charge
			events []json.RawMessage
		)
		switch {
		case err != nil:
		case settled(o) || o.PaymentStatus == conekta.OrderCanceled:
			err = precondition("combo.order.cannot_be_updated_because_has_charge", "The order cannot be charged again: it is paid or cancelled.")
		case hasPending(o):
			err = precondition("combo.order.cannot_be_updated_because_has_charge",
				"The order cannot be modified because it has already a charge which is pending payment.")
		default:
			var cus *customer
			if o.CustomerInfo != nil {
				cus = s.customers[o.CustomerInfo.CustomerID]
			}
			ch, err = s.newChargeLocked(o, cus, &p, false, "")
			if ch != nil {
				o.Charges.Data = append(o.Charges.Data, ch)
				o.PaymentStatus, o.UpdatedAt = orderStatus(o), conekta.TimeOf(s.now())
				o.IsRefundable = o.PaymentStatus == conekta.OrderPaid
				events = s.chargeEventsLocked(o, ch)
			}
		}
		s.mu.Unlock()
		s.dispatch(events...)
		switch {
		case err != nil:
			s.answer(w, nil, err)
		case many:
			s.answer(w, &conekta.List[*conekta.Charge]{Data: o.Charges.Data}, nil)
		default:
			// charge_order_response lists refunds as a bare array.
			m := s.renderCharge(toMap(ch))
			refunds := []any{}
			for _, ref := range items(m["refunds"].(map[string]any)) {
				refunds = append(refunds, ref)
			}
			m["refunds"] = refunds
			writeJSON(w, http.StatusOK, m)
		}
	}
}

func hasPending(o *conekta.Order) bool {
	for _, ch := range o.Charges.Data {
		if ch.Status == conekta.ChargePendingPayment {
			return true
		}
	}
	return false
}

// chargeEventsLocked are the events of a new charge on an existing order.
func (s *Server) chargeEventsLocked(o *conekta.Order, ch *conekta.Charge) []json.RawMessage {
	events := []json.RawMessage{s.emitLocked(conekta.EventChargeCreated, ch)}
	switch ch.Status {
	case conekta.ChargePaid:
		events = append(events, s.emitLocked(conekta.EventChargePaid, ch))
	case conekta.ChargeDeclined:
		events = append(events, s.emitLocked(conekta.EventChargeDeclined, ch))
	}
	switch o.PaymentStatus {
	case conekta.OrderPaid:
		events = append(events, s.emitLocked(conekta.EventOrderPaid, o))
	case conekta.OrderPendingPayment:
		events = append(events, s.emitLocked(conekta.EventOrderPendingPayment, o))
	}
	return events
}

// cancelRefund takes back a refund of an order: the fake cancels any of
// its refunds and restores what was refunded.
func (s *Server) cancelRefund(w http.ResponseWriter, r *http.Request) {
	refundID := r.PathValue("refund")
	s.orderAction(w, r, nil, func(o *conekta.Order) ([]json.RawMessage, error) {
		for _, ch := range o.Charges.Data {
			if ch.Refunds == nil {
				continue
			}
			for i, ref := range ch.Refunds.Data {
				if ref.ID != refundID {
					continue
				}
				ch.Refunds.Data = append(ch.Refunds.Data[:i:i], ch.Refunds.Data[i+1:]...)
				delete(s.refundReasons, refundID)
				o.AmountRefunded -= ref.Amount
				ch.Status = conekta.ChargePaid
				o.PaymentStatus, o.IsRefundable = conekta.OrderPaid, true
				if o.AmountRefunded > 0 {
					o.PaymentStatus = conekta.OrderPartiallyRefunded
				}
				return []json.RawMessage{s.emitLocked(conekta.EventOrderUpdated, o)}, nil
			}
		}
		return nil, notFound("refund", refundID)
	})
}

// --- order lines ----------------------------------------------------------------

// lineKind gives the object name and id prefix of an order sub-resource,
// and false for a path segment that is none.
func lineKind(kind string) (object, prefix string, ok bool) {
	switch kind {
	case "line_items":
		return "line_item", "line_item_", true
	case "discount_lines":
		return "discount_line", "dis_lin_", true
	case "shipping_lines":
		return "shipping_line", "ship_lin_", true
	case "tax_lines":
		return "tax_line", "tax_lin_", true
	}
	return "", "", false
}

// checkLine answers a line Conekta refuses; create tells a create, where
// the required fields must be there.
func checkLine(kind string, raw map[string]json.RawMessage, create bool) error {
	type rule struct{ required, text bool }
	rules := map[string]map[string]rule{
		"line_items":     {"name": {true, true}, "unit_price": {true, false}, "quantity": {true, false}},
		"discount_lines": {"amount": {true, false}, "code": {true, true}, "type": {true, true}},
		"shipping_lines": {"amount": {true, false}, "carrier": {false, true}, "tracking_number": {false, true}, "method": {false, true}},
		"tax_lines":      {"amount": {true, false}, "description": {true, true}},
	}[kind]
	if kind == "shipping_lines" {
		create = true // the update takes the whole shipping line
	}
	for field, ru := range rules {
		v, ok := raw[field]
		switch {
		case !ok && ru.required && create:
			return invalid(field, "The "+field+" is required.")
		case !ok:
			continue
		case ru.text:
			var t string
			if json.Unmarshal(v, &t) != nil || t == "" {
				return invalid(field, "The "+field+" must be a non-empty string.")
			}
			if n := utf8.RuneCountInString(t); (kind != "discount_lines" && n < 3) || n > 249 {
				return invalid(field, "The "+field+" must have 3 to 249 characters.")
			}
		default:
			var n int64
			if json.Unmarshal(v, &n) != nil || n < 0 || (field == "quantity" && n < 1) {
				return invalid(field, "The "+field+" must be a whole number of 0 or more (quantity: 1 or more).")
			}
		}
	}
	return nil
}

// lineOp is one call on an order's line: create (lineID ""), get, update
// or delete. It runs under the lock and answers the line.
func (s *Server) lineOp(w http.ResponseWriter, r *http.Request, kind, lineID string, raw map[string]json.RawMessage) {
	s.mu.Lock()
	o, err := find(s.orders, "order", r.PathValue("id"))
	var (
		line   any
		events []json.RawMessage
	)
	if err == nil && r.Method != http.MethodGet && (settled(o) || hasPending(o) || o.PaymentStatus == conekta.OrderCanceled) {
		err = precondition("combo.order.cannot_be_updated_because_has_charge", "The order cannot be modified because it has a charge.")
	}
	if err == nil {
		id := lineID
		if id == "" {
			_, prefix, _ := lineKind(kind)
			id = s.newID(prefix)
		}
		switch kind {
		case "line_items":
			line, err = editLine(&o.LineItems.Data, func(l *conekta.LineItem) string { return l.ID }, r.Method, o.ID, kind, id, raw)
		case "discount_lines":
			if o.DiscountLines == nil {
				o.DiscountLines = &conekta.List[*conekta.DiscountLine]{Data: []*conekta.DiscountLine{}}
			}
			line, err = editLine(&o.DiscountLines.Data, func(l *conekta.DiscountLine) string { return l.ID }, r.Method, o.ID, kind, id, raw)
		case "shipping_lines":
			if o.ShippingLines == nil {
				o.ShippingLines = &conekta.List[*conekta.ShippingLine]{Data: []*conekta.ShippingLine{}}
			}
			line, err = editLine(&o.ShippingLines.Data, func(l *conekta.ShippingLine) string { return l.ID }, r.Method, o.ID, kind, id, raw)
		case "tax_lines":
			if o.TaxLines == nil {
				o.TaxLines = &conekta.List[*conekta.TaxLine]{Data: []*conekta.TaxLine{}}
			}
			line, err = editLine(&o.TaxLines.Data, func(l *conekta.TaxLine) string { return l.ID }, r.Method, o.ID, kind, id, raw)
		}
		if err == nil && r.Method != http.MethodGet {
			recompute(o)
			o.UpdatedAt = conekta.TimeOf(s.now())
			events = append(events, s.emitLocked(conekta.EventOrderUpdated, o))
		}
	}
	s.mu.Unlock()
	s.dispatch(events...)
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	m := toMap(line)
	if kind == "line_items" {
		setDefault(m, "metadata", map[string]any{})
	}
	writeJSON(w, http.StatusOK, m)
}

// editLine creates (POST), reads (GET), changes (PUT) or removes (DELETE)
// the line id of a list, and returns it.
func editLine[T any](list *[]*T, idOf func(*T) string, method, orderID, kind, id string, raw map[string]json.RawMessage) (*T, error) {
	at := -1
	for i, l := range *list {
		if idOf(l) == id {
			at = i
		}
	}
	object, _, _ := lineKind(kind)
	if method != http.MethodPost && at < 0 {
		return nil, notFound(object, id)
	}
	switch method {
	case http.MethodGet:
		return (*list)[at], nil
	case http.MethodDelete:
		l := (*list)[at]
		*list = append((*list)[:at:at], (*list)[at+1:]...)
		return l, nil
	}
	m := map[string]any{}
	if at >= 0 {
		m = toMap((*list)[at])
	}
	for k, v := range raw {
		var val any
		if err := json.Unmarshal(v, &val); err != nil {
			return nil, invalid(k, "The "+k+" is not valid JSON.")
		}
		m[k] = val
	}
	m["id"], m["object"], m["parent_id"] = id, object, orderID
	l := wire[T](m)
	if at >= 0 {
		(*list)[at] = l
	} else {
		*list = append(*list, l)
	}
	return l, nil
}

// addOrderLinesLocked adds the discounts, shipping costs and taxes of an
// order create and sets the order's amount from all its lines.
func (s *Server) addOrderLinesLocked(o *conekta.Order, p *conekta.OrderParams) {
	for _, d := range p.DiscountLines {
		if o.DiscountLines == nil {
			o.DiscountLines = &conekta.List[*conekta.DiscountLine]{Data: []*conekta.DiscountLine{}}
		}
		o.DiscountLines.Data = append(o.DiscountLines.Data, &conekta.DiscountLine{ID: s.newID("dis_lin_"), Object: "discount_line",
			ParentID: o.ID, Amount: d.Amount, Code: d.Code, Type: d.Type})
	}
	for _, l := range p.ShippingLines {
		if o.ShippingLines == nil {
			o.ShippingLines = &conekta.List[*conekta.ShippingLine]{Data: []*conekta.ShippingLine{}}
		}
		o.ShippingLines.Data = append(o.ShippingLines.Data, &conekta.ShippingLine{ID: s.newID("ship_lin_"), Object: "shipping_line",
			ParentID: o.ID, Amount: l.Amount, Carrier: l.Carrier, TrackingNumber: l.TrackingNumber, Method: l.Method, Metadata: l.Metadata})
	}
	for _, tx := range p.TaxLines {
		if o.TaxLines == nil {
			o.TaxLines = &conekta.List[*conekta.TaxLine]{Data: []*conekta.TaxLine{}}
		}
		o.TaxLines.Data = append(o.TaxLines.Data, &conekta.TaxLine{ID: s.newID("tax_lin_"), Object: "tax_line", ParentID: o.ID,
			Amount: tx.Amount, Description: tx.Description, Metadata: tx.Metadata})
	}
	recompute(o)
}

// recompute sets an order's amount from its lines: products, plus
// shipping and taxes, less discounts.
func recompute(o *conekta.Order) {
	var total int64
	for _, li := range o.LineItems.Data {
		total += li.UnitPrice * li.Quantity
	}
	if o.ShippingLines != nil {
		for _, l := range o.ShippingLines.Data {
			total += l.Amount
		}
	}
	if o.TaxLines != nil {
		for _, l := range o.TaxLines.Data {
			total += l.Amount
		}
	}
	if o.DiscountLines != nil {
		for _, l := range o.DiscountLines.Data {
			total -= l.Amount
		}
	}
	o.Amount = max(total, 0)
}

func (s *Server) createLine(w http.ResponseWriter, r *http.Request) {
	s.lineRequest(w, r, r.PathValue("kind"), "")
}

func (s *Server) lineAction(w http.ResponseWriter, r *http.Request) {
	kind := r.PathValue("kind")
	if r.Method == http.MethodGet {
		kind = "discount_lines"
	}
	s.lineRequest(w, r, kind, r.PathValue("line"))
}

// lineRequest checks a line request and runs it.
func (s *Server) lineRequest(w http.ResponseWriter, r *http.Request, kind, lineID string) {
	if _, _, ok := lineKind(kind); !ok {
		s.writeError(w, http.StatusNotFound, "resource_not_found_error", "conekta.errors.resource_not_found.entity", "", "The resource was not found.")
		return
	}
	var raw map[string]json.RawMessage
	if r.Method == http.MethodPost || r.Method == http.MethodPut {
		if err := decodeBody(r, &raw); err != nil {
			s.answer(w, nil, err)
			return
		}
		if err := checkLine(kind, raw, r.Method == http.MethodPost); err != nil {
			s.answer(w, nil, err)
			return
		}
	}
	s.lineOp(w, r, kind, lineID, raw)
}

func (s *Server) listDiscountLines(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := find(s.orders, "order", r.PathValue("id"))
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	byID := map[string]any{}
	var ids []string
	if o.DiscountLines != nil {
		for _, l := range o.DiscountLines.Data {
			ids = append(ids, l.ID)
			byID[l.ID] = l
		}
	}
	out, err := s.page(r, ids, func(id string) any { return byID[id] })
	s.answer(w, out, err)
}
