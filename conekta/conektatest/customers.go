package conektatest

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/pagos-go/pagos/conekta"
)

// --- customers --------------------------------------------------------------

// customerJSON is the customer on the wire, its sources included.
func (c *customer) wire() *conekta.Customer {
	out := c.Customer
	l := &conekta.List[*conekta.PaymentSource]{Data: []*conekta.PaymentSource{}}
	for _, src := range c.sources {
		l.Data = append(l.Data, src.wire())
	}
	out.PaymentSources = l
	return &out
}

func (src *source) wire() *conekta.PaymentSource { return wire[conekta.PaymentSource](src.obj) }

func (s *Server) createCustomer(w http.ResponseWriter, r *http.Request) {
	// phone is required from API 2.3.0 on, but with no minimum length:
	// "" is a phone (Conekta's own Go SDK sends it when none is set), only
	// a missing field is refused.
	var p struct {
		conekta.CustomerParams
		Phone *string `json:"phone"`
	}
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	var err error
	switch {
	case p.Name == "":
		err = invalid("name", "The name is required.")
	case p.Email == "":
		err = invalid("email", "The email is required.")
	case p.Phone == nil && !legacy(r):
		err = invalid("phone", "The phone is required.")
	}
	if p.Phone != nil {
		p.CustomerParams.Phone = *p.Phone
	}
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &customer{Customer: conekta.Customer{
		ID: s.newID("cus_"), Object: "customer", CreatedAt: conekta.TimeOf(s.now()), Name: p.Name, Email: p.Email, Phone: p.CustomerParams.Phone,
		CustomReference: p.CustomReference, DateOfBirth: p.DateOfBirth, NationalID: p.NationalID, Metadata: p.Metadata,
	}}
	if p.Corporate != nil {
		c.Corporate = *p.Corporate
	}
	for i, sp := range p.PaymentSources {
		src, err := s.newSourceLocked(c, sp, fmt.Sprintf("payment_sources[%d].", i))
		if err != nil {
			s.answer(w, nil, err)
			return
		}
		c.sources = append(c.sources, src)
	}
	s.customers[c.ID] = c
	s.customerIDs = append(s.customerIDs, c.ID)
	s.answer(w, c.wire(), nil)
}

func (s *Server) getCustomer(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := find(s.customers, "customer", r.PathValue("id"))
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	s.answer(w, c.wire(), nil)
}

func (s *Server) listCustomers(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := s.customerIDs
	if q := strings.ToLower(r.URL.Query().Get("search")); q != "" {
		ids = nil
		for _, id := range s.customerIDs {
			c := s.customers[id]
			if strings.Contains(strings.ToLower(c.Name+" "+c.Email+" "+c.CustomReference+" "+c.Phone), q) {
				ids = append(ids, id)
			}
		}
	}
	out, err := s.page(r, ids, func(id string) any { return s.customers[id].wire() })
	s.answer(w, out, err)
}

func (s *Server) updateCustomer(w http.ResponseWriter, r *http.Request) {
	var p conekta.CustomerParams
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := find(s.customers, "customer", r.PathValue("id"))
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	for _, f := range []struct {
		dst *string
		v   string
	}{{&c.Name, p.Name}, {&c.Email, p.Email}, {&c.Phone, p.Phone}, {&c.CustomReference, p.CustomReference},
		{&c.DefaultPaymentSourceID, p.DefaultPaymentSourceID}, {&c.NationalID, p.NationalID}, {&c.DateOfBirth, p.DateOfBirth}} {
		if f.v != "" {
			*f.dst = f.v
		}
	}
	if p.Corporate != nil {
		c.Corporate = *p.Corporate
	}
	if p.Metadata != nil {
		c.Metadata = p.Metadata
	}
	for i, sp := range p.PaymentSources {
		src, err := s.newSourceLocked(c, sp, fmt.Sprintf("payment_sources[%d].", i))
		if err != nil {
			s.answer(w, nil, err)
			return
		}
		c.sources = append(c.sources, src)
	}
	s.answer(w, c.wire(), nil)
}

func (s *Server) deleteCustomer(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := find(s.customers, "customer", r.PathValue("id"))
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	delete(s.customers, c.ID)
	s.customerIDs = remove(s.customerIDs, c.ID)
	for _, src := range c.sources {
		delete(s.recurring, sourceReference(src))
	}
	out := c.wire()
	out.Deleted = true
	s.answer(w, out, nil)
}

// --- payment sources --------------------------------------------------------

// newSourceLocked creates a payment source for c; the first becomes the
// default. param prefixes error params ("payment_sources[0].").
func (s *Server) newSourceLocked(c *customer, p *conekta.PaymentSourceParams, param string) (*source, error) {
	if p == nil || p.Type == "" {
		return nil, invalid(param+"type", "The payment source type is required.")
	}
	now := s.now().Unix()
	src := &source{customerID: c.ID, obj: map[string]any{"object": "payment_source", "type": p.Type, "created_at": now, "parent_id": c.ID}}
	switch {
	case p.Type == conekta.SourceCard:
		tok, ok := s.tokens[p.TokenID]
		switch {
		case p.TokenID == "":
			return nil, invalid(param+"token_id", "The token_id is required for a card.")
		case !ok:
			return nil, invalid(param+"token_id", "The token does not exist.")
		case tok.used:
			return nil, declined("tokenization.used", "The token has already been used.")
		}
		tok.used = true
		src.card = tok.card
		src.obj["id"] = s.newID("src_")
		for k, v := range map[string]any{"last4": tok.card.last4, "bin": "424242", "brand": tok.card.brand, "card_type": "credit",
			"exp_month": "12", "exp_year": "30", "name": c.Name, "default": len(c.sources) == 0, "payment_source_status": "active",
			"issuer": "BANAMEX", "visible_on_checkout": false} {
			src.obj[k] = v
		}
	case p.Type == conekta.SourceCashRecurrent || p.Type == conekta.SourceOxxoRecurrent:
		ref := s.newReferenceLocked()
		src.obj["id"] = s.newID("off_ref_")
		provider := "Cash"
		if p.Type == conekta.SourceOxxoRecurrent {
			provider = "Oxxo"
		}
		for k, v := range map[string]any{"reference": ref, "barcode": ref, "barcode_url": s.URL + "/barcodes/" + ref + ".png",
			"expires_at": p.ExpiresAt.Unix(), "provider": provider, "store_names": []string{"OXXO"}} {
			src.obj[k] = v
		}
		if p.ExpiresAt.IsZero() {
			src.obj["expires_at"] = 0
		}
		s.recurring[ref] = src
	default:
		return nil, invalid(param+"type", fmt.Sprintf("The fake supports card, cash_recurrent and oxxo_recurrent sources, not %q.", p.Type))
	}
	if c.DefaultPaymentSourceID == "" {
		c.DefaultPaymentSourceID = src.id()
	}
	return src, nil
}

// newReferenceLocked returns a new 14-digit cash reference.
func (s *Server) newReferenceLocked() string {
	s.references++
	return fmt.Sprintf("93%012d", s.references)
}

func sourceReference(src *source) string {
	ref, _ := src.obj["reference"].(string)
	return ref
}

func (s *Server) createSource(w http.ResponseWriter, r *http.Request) {
	var p conekta.PaymentSourceParams
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := find(s.customers, "customer", r.PathValue("id"))
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	src, err := s.newSourceLocked(c, &p, "")
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	c.sources = append(c.sources, src)
	s.answer(w, src.wire(), nil)
}

func (s *Server) listSources(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := find(s.customers, "customer", r.PathValue("id"))
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	var ids []string
	byID := map[string]*source{}
	for _, src := range c.sources {
		ids = append(ids, src.id())
		byID[src.id()] = src
	}
	out, err := s.page(r, ids, func(id string) any { return byID[id].wire() })
	s.answer(w, out, err)
}

func (s *Server) sourceLocked(r *http.Request) (*customer, *source, error) {
	c, err := find(s.customers, "customer", r.PathValue("id"))
	if err != nil {
		return nil, nil, err
	}
	for _, src := range c.sources {
		if src.id() == r.PathValue("src") {
			return c, src, nil
		}
	}
	return nil, nil, notFound("payment_source", r.PathValue("src"))
}

func (s *Server) updateSource(w http.ResponseWriter, r *http.Request) {
	var p conekta.PaymentSourceUpdateParams
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, src, err := s.sourceLocked(r)
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	if p.Name != "" {
		src.obj["name"] = p.Name
	}
	if !p.ExpiresAt.IsZero() {
		src.obj["expires_at"] = p.ExpiresAt.Unix()
	}
	s.answer(w, src.wire(), nil)
}

func (s *Server) deleteSource(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, src, err := s.sourceLocked(r)
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	kept := c.sources[:0:0]
	for _, o := range c.sources {
		if o != src {
			kept = append(kept, o)
		}
	}
	c.sources = kept
	if c.DefaultPaymentSourceID == src.id() {
		c.DefaultPaymentSourceID = ""
		if len(kept) > 0 {
			c.DefaultPaymentSourceID = kept[0].id()
		}
	}
	delete(s.recurring, sourceReference(src))
	// A PaymentSource marshals its Raw form, so deleted goes in the map.
	out := map[string]any{"deleted": true}
	for k, v := range src.obj {
		out[k] = v
	}
	s.answer(w, out, nil)
}

// --- tokens -----------------------------------------------------------------

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	var p struct {
		Card *conekta.TokenCard `json:"card"`
	}
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	c := p.Card
	var err error
	switch {
	case c == nil:
		err = invalid("card", "The card is required.")
	case len(c.Number) < 13 || len(c.Number) > 19 || strings.Trim(c.Number, "0123456789") != "":
		err = invalid("card.number", "The card number is invalid.")
	case c.Name == "":
		err = invalid("card.name", "The card holder's name is required.")
	case len(c.ExpMonth) != 2 || len(c.ExpYear) != 2:
		err = invalid("card.exp_month", "The expiry month and year must have two digits each.")
	case len(c.CVC) < 3 || len(c.CVC) > 4:
		err = invalid("card.cvc", "The CVC must have 3 or 4 digits.")
	}
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	k := &card{last4: c.Number[len(c.Number)-4:], brand: "visa"}
	switch c.Number {
	case CardDeclined:
		k.outcome = decline
	case CardInsufficientFunds:
		k.outcome = noFunds
	}
	s.mu.Lock()
	id := s.newID("tok_")
	s.tokens[id] = &token{card: k}
	s.mu.Unlock()
	s.answer(w, &conekta.Token{ID: id, Object: "token"}, nil)
}
