package conektatest

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"time"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/internal/fake"
)

// WithListener makes the fake serve on ln instead of a new random loopback
// port, so a restarted fake can keep its URL (objects such as payment links
// and cash barcodes embed it). The fake closes ln when it closes.
func WithListener(ln net.Listener) Option { return func(s *Server) { s.ln = ln } }

// start serves h on the listener WithListener gave, or on a new loopback
// port.
func (s *Server) start() {
	if s.ln == nil {
		s.srv = httptest.NewServer(s.routes())
		return
	}
	s.srv = httptest.NewUnstartedServer(s.routes())
	_ = s.srv.Listener.Close()
	s.srv.Listener = s.ln
	s.srv.Start()
}

// The saved form of the fake's objects: private structs with exported,
// json-tagged fields, mirroring the Server's maps and their creation-order
// id lists one for one. Objects the fake keeps as free maps are saved as
// JSON text and read back with exact numbers (json.Number), as the fake
// made them.
type state struct {
	IDs           int                              `json:"ids"`
	Customers     map[string]customerState         `json:"customers"`
	CustomerIDs   []string                         `json:"customer_ids"`
	Tokens        map[string]tokenState            `json:"tokens"`
	Orders        map[string]*conekta.Order        `json:"orders"`
	OrderIDs      []string                         `json:"order_ids"`
	CashOrders    map[string]string                `json:"cash_orders"`
	Recurring     map[string]sourceState           `json:"recurring"`
	Events        map[string]json.RawMessage       `json:"events"`
	EventIDs      []string                         `json:"event_ids"`
	WebhookLogs   map[string][]*conekta.WebhookLog `json:"webhook_logs"`
	Webhooks      map[string]*conekta.Webhook      `json:"webhooks"`
	WebhookIDs    []string                         `json:"webhook_ids"`
	Keys          map[string]keyState              `json:"keys"`
	KeyIDs        []string                         `json:"key_ids"`
	Approval      *approvalState                   `json:"approval,omitempty"`
	Deliveries    []deliveryState                  `json:"deliveries"`
	SyncCalls     []syncCallState                  `json:"sync_calls"`
	References    int                              `json:"references"`
	RefundReasons map[string]string                `json:"refund_reasons"`
	Billing       billingState                     `json:"billing"`
	Admin         *adminState                      `json:"admin,omitempty"` // nil until an account resource was used
	Checkouts     map[string]checkoutState         `json:"checkouts"`
	CheckoutIDs   []string                         `json:"checkout_ids"`
}

type customerState struct {
	Customer conekta.Customer `json:"customer"`
	Sources  []sourceState    `json:"sources"`
}

type sourceState struct {
	Object     json.RawMessage `json:"object"`
	CustomerID string          `json:"customer_id"`
	Card       *cardState      `json:"card,omitempty"`
}

type cardState struct {
	Last4   string `json:"last4"`
	Brand   string `json:"brand"`
	Outcome string `json:"outcome"` // "approve", "decline", "no_funds"
}

type tokenState struct {
	Card cardState `json:"card"`
	Used bool      `json:"used"`
}

type keyState struct {
	Key conekta.WebhookKey `json:"key"`
	// PKCS8 is the private key, PKCS #8 DER (base64 in JSON), so deliveries
	// after a restart verify with the public keys a receiver already has.
	PKCS8 []byte `json:"pkcs8"`
}

type approvalState struct {
	URL  string `json:"url"`
	User string `json:"user,omitempty"`
	Pass string `json:"pass,omitempty"`
}

type deliveryState struct {
	EventID    string            `json:"event_id"`
	EventType  conekta.EventType `json:"event_type"`
	WebhookID  string            `json:"webhook_id"`
	URL        string            `json:"url"`
	Attempts   int               `json:"attempts"`
	StatusCode int               `json:"status_code"`
	Err        *string           `json:"err,omitempty"` // the error's text; absent when it succeeded
}

type syncCallState struct {
	EventID    string                `json:"event_id"`
	Type       conekta.EventType     `json:"type"`
	Reference  string                `json:"reference"`
	Amount     int64                 `json:"amount"`
	StatusCode int                   `json:"status_code"`
	Answer     conekta.InboundAnswer `json:"answer"`
	Err        *string               `json:"err,omitempty"`
	Elapsed    time.Duration         `json:"elapsed"`
}

type billingState struct {
	Offset          time.Duration                      `json:"offset"` // Advance's total
	Plans           map[string]*conekta.Plan           `json:"plans"`
	PlanIDs         []string                           `json:"plan_ids"`
	Subscriptions   map[string]subscriptionState       `json:"subscriptions"`
	SubscriptionIDs []string                           `json:"subscription_ids"`
	Portals         map[string]*conekta.CustomerPortal `json:"portals"`
	Payouts         map[string]*conekta.PayoutOrder    `json:"payouts"`
	PayoutIDs       []string                           `json:"payout_ids"`
	Transfers       map[string]*conekta.Transfer       `json:"transfers"`
	TransferIDs     []string                           `json:"transfer_ids"`
	Transferred     map[string]int64                   `json:"transferred"`
	Transactions    map[string]bool                    `json:"transactions"`
}

type subscriptionState struct {
	Subscription conekta.Subscription `json:"subscription"`
	Charges      int                  `json:"charges"`
	Failures     int                  `json:"failures"`
	NextRetry    time.Time            `json:"next_retry"`
	Events       []string             `json:"events"`
}

type adminState struct {
	Rules         map[string]ruleListState     `json:"rules"`
	Keys          map[string]apiKeyState       `json:"keys"`
	KeyIDs        []string                     `json:"key_ids"`
	Companies     map[string]companyState      `json:"companies"`
	CompanyIDs    []string                     `json:"company_ids"`
	Shipping      map[string][]json.RawMessage `json:"shipping"`
	Fiscal        map[string][]json.RawMessage `json:"fiscal"`
	RequestLogs   map[string]json.RawMessage   `json:"request_logs"`
	RequestLogIDs []string                     `json:"request_log_ids"`
	LogCount      int                          `json:"log_count"`
}

type ruleListState struct {
	Rules map[string]json.RawMessage `json:"rules"`
	IDs   []string                   `json:"ids"`
}

type apiKeyState struct {
	Object json.RawMessage `json:"object"`
	Token  string          `json:"token"`
}

type companyState struct {
	Object json.RawMessage   `json:"object"`
	Docs   []json.RawMessage `json:"docs"`
}

type checkoutState struct {
	Checkout conekta.Checkout               `json:"checkout"`
	Template *conekta.CheckoutOrderTemplate `json:"template,omitempty"`
	Orders   []string                       `json:"orders"`
}

var outcomeNames = map[outcome]string{approve: "approve", decline: "decline", noFunds: "no_funds"}

// SaveState writes the fake's objects as JSON, for LoadState: customers
// with their payment sources, tokens, orders with their charges and
// refunds, cash references, events with their webhook logs, webhooks,
// webhook keys (private halves included, so a restored fake signs as
// before), the approval URL, the deliveries and till calls so far, plans,
// subscriptions with their billing position, portals, payout orders,
// transfers, the clock's Advance total, account resources, the request log,
// payment links, and the id counter. Deliveries still being attempted are
// not kept: call Settle (or Close) first to include them. NewServer's
// options (clock, API key, sleep, …) are not part of the state.
func (s *Server) SaveState(w io.Writer) error {
	raw, err := s.snapshot()
	if err != nil {
		return fmt.Errorf("conektatest: saving state: %w", err)
	}
	return fake.WriteState(w, "conekta", raw)
}

// snapshot copies the fake's objects under one hold of the lock.
func (s *Server) snapshot() (json.RawMessage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &state{
		Customers: map[string]customerState{}, CustomerIDs: s.customerIDs,
		Tokens: map[string]tokenState{}, Orders: s.orders, OrderIDs: s.orderIDs, CashOrders: s.cashOrders,
		Recurring: map[string]sourceState{}, Events: s.events, EventIDs: s.eventIDs, WebhookLogs: s.logs,
		Webhooks: s.webhooks, WebhookIDs: s.webhookIDs, Keys: map[string]keyState{}, KeyIDs: s.keyIDs,
		References: s.references, RefundReasons: s.refundReasons,
		Checkouts: map[string]checkoutState{}, CheckoutIDs: s.checkouts.checkoutIDs,
	}
	if s.ids != nil {
		st.IDs = s.ids.Count()
	}
	for id, c := range s.customers {
		cs := customerState{Customer: c.Customer, Sources: []sourceState{}}
		for _, src := range c.sources {
			ss, err := saveSource(src)
			if err != nil {
				return nil, err
			}
			cs.Sources = append(cs.Sources, ss)
		}
		st.Customers[id] = cs
	}
	for ref, src := range s.recurring {
		ss, err := saveSource(src)
		if err != nil {
			return nil, err
		}
		st.Recurring[ref] = ss
	}
	for id, t := range s.tokens {
		st.Tokens[id] = tokenState{Card: saveCard(t.card), Used: t.used}
	}
	for id, k := range s.keys {
		der, err := x509.MarshalPKCS8PrivateKey(k.private)
		if err != nil {
			return nil, err
		}
		st.Keys[id] = keyState{Key: k.WebhookKey, PKCS8: der}
	}
	if a := s.approval; a != nil {
		st.Approval = &approvalState{URL: a.url, User: a.user, Pass: a.pass}
	}
	for _, d := range s.deliveries {
		st.Deliveries = append(st.Deliveries, deliveryState{EventID: d.EventID, EventType: d.EventType, WebhookID: d.WebhookID,
			URL: d.URL, Attempts: d.Attempts, StatusCode: d.StatusCode, Err: errText(d.Err)})
	}
	for _, c := range s.syncCalls {
		st.SyncCalls = append(st.SyncCalls, syncCallState{EventID: c.EventID, Type: c.Type, Reference: c.Reference, Amount: c.Amount,
			StatusCode: c.StatusCode, Answer: c.Answer, Err: errText(c.Err), Elapsed: c.Elapsed})
	}
	b := s.billing
	st.Billing = billingState{Offset: time.Duration(b.offset.Load()), Plans: b.plans, PlanIDs: b.planIDs,
		Subscriptions: map[string]subscriptionState{}, SubscriptionIDs: b.subIDs, Portals: b.portals,
		Payouts: b.payouts, PayoutIDs: b.payoutIDs, Transfers: b.transfers, TransferIDs: b.transferIDs,
		Transferred: b.transferred, Transactions: b.transactions}
	for id, sub := range b.subs {
		st.Billing.Subscriptions[id] = subscriptionState{Subscription: sub.Subscription, Charges: sub.charges, Failures: sub.failures,
			NextRetry: sub.nextRetry, Events: sub.events}
	}
	if s.admin != nil {
		a, err := saveAdmin(s.admin)
		if err != nil {
			return nil, err
		}
		st.Admin = a
	}
	for id, c := range s.checkouts.checkouts {
		st.Checkouts[id] = checkoutState{Checkout: c.obj, Template: c.template, Orders: c.orders}
	}
	// Marshal while the lock is held: the maps above are the fake's own.
	return json.Marshal(st)
}

func errText(err error) *string {
	if err == nil {
		return nil
	}
	t := err.Error()
	return &t
}

func textErr(t *string) error {
	if t == nil {
		return nil
	}
	return errors.New(*t)
}

func saveCard(c *card) cardState {
	return cardState{Last4: c.last4, Brand: c.brand, Outcome: outcomeNames[c.outcome]}
}

func saveSource(src *source) (sourceState, error) {
	obj, err := json.Marshal(src.obj)
	if err != nil {
		return sourceState{}, err
	}
	ss := sourceState{Object: obj, CustomerID: src.customerID}
	if src.card != nil {
		c := saveCard(src.card)
		ss.Card = &c
	}
	return ss, nil
}

func saveObjects(objs []map[string]any) ([]json.RawMessage, error) {
	out := make([]json.RawMessage, 0, len(objs))
	for _, o := range objs {
		b, err := json.Marshal(o)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

func saveAdmin(a *admin) (*adminState, error) {
	st := &adminState{Rules: map[string]ruleListState{}, Keys: map[string]apiKeyState{}, KeyIDs: a.keyIDs,
		Companies: map[string]companyState{}, CompanyIDs: a.companyIDs, Shipping: map[string][]json.RawMessage{},
		Fiscal: map[string][]json.RawMessage{}, RequestLogs: map[string]json.RawMessage{}, RequestLogIDs: a.reqLogIDs, LogCount: a.logCount}
	for name, l := range a.rules {
		ls := ruleListState{Rules: map[string]json.RawMessage{}, IDs: l.ids}
		for id, r := range l.rules {
			b, err := json.Marshal(r)
			if err != nil {
				return nil, err
			}
			ls.Rules[id] = b
		}
		st.Rules[name] = ls
	}
	for id, k := range a.keys {
		b, err := json.Marshal(k.obj)
		if err != nil {
			return nil, err
		}
		st.Keys[id] = apiKeyState{Object: b, Token: k.token}
	}
	for id, c := range a.companies {
		b, err := json.Marshal(c.obj)
		if err != nil {
			return nil, err
		}
		docs, err := saveObjects(c.docs)
		if err != nil {
			return nil, err
		}
		st.Companies[id] = companyState{Object: b, Docs: docs}
	}
	for cid, l := range a.shipping {
		objs, err := saveObjects(l)
		if err != nil {
			return nil, err
		}
		st.Shipping[cid] = objs
	}
	for cid, l := range a.fiscal {
		objs, err := saveObjects(l)
		if err != nil {
			return nil, err
		}
		st.Fiscal[cid] = objs
	}
	for id, l := range a.reqLogs {
		b, err := json.Marshal(l)
		if err != nil {
			return nil, err
		}
		st.RequestLogs[id] = b
	}
	return st, nil
}

// LoadState replaces the fake's objects with those SaveState wrote. A file
// that is corrupt, from another fake or another format version is refused
// with an error saying so, and the fake is left as it was. The id counter
// moves forward to the saved one, so new objects never reuse an id (unless
// WithIDs set another id source). Settings given to NewServer stay as
// given; the approval URL is the saved one.
func (s *Server) LoadState(r io.Reader) error {
	var st state
	if err := fake.ReadState(r, "conekta", &st); err != nil {
		return err
	}
	n, err := st.build()
	if err != nil {
		return fmt.Errorf("conektatest: the state file's objects do not hold together: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.customers, s.customerIDs = n.customers, n.customerIDs
	s.tokens = n.tokens
	s.orders, s.orderIDs = n.orders, n.orderIDs
	s.cashOrders, s.recurring = n.cashOrders, n.recurring
	s.events, s.eventIDs, s.logs = n.events, n.eventIDs, n.logs
	s.webhooks, s.webhookIDs = n.webhooks, n.webhookIDs
	s.keys, s.keyIDs = n.keys, n.keyIDs
	s.approval = n.approval
	s.deliveries, s.syncCalls = n.deliveries, n.syncCalls
	s.references, s.refundReasons = n.references, n.refundReasons
	s.billing.offset.Store(int64(st.Billing.Offset))
	s.billing.plans, s.billing.planIDs = n.billing.plans, n.billing.planIDs
	s.billing.subs, s.billing.subIDs = n.billing.subs, n.billing.subIDs
	s.billing.portals = n.billing.portals
	s.billing.payouts, s.billing.payoutIDs = n.billing.payouts, n.billing.payoutIDs
	s.billing.transfers, s.billing.transferIDs = n.billing.transfers, n.billing.transferIDs
	s.billing.transferred, s.billing.transactions = n.billing.transferred, n.billing.transactions
	s.admin = n.admin
	s.checkouts = n.checkouts
	if s.ids != nil {
		s.ids.Restore(st.IDs)
	}
	return nil
}

// loaded is the fake's objects built from a state file, ready to swap in.
type loaded struct {
	customers   map[string]*customer
	customerIDs []string
	tokens      map[string]*token
	orders      map[string]*conekta.Order
	orderIDs    []string
	cashOrders  map[string]string
	recurring   map[string]*source
	events      map[string]json.RawMessage
	eventIDs    []string
	logs        map[string][]*conekta.WebhookLog
	webhooks    map[string]*conekta.Webhook
	webhookIDs  []string
	keys        map[string]*signingKey
	keyIDs      []string
	approval    *approvalURL
	deliveries  []Delivery
	syncCalls   []SyncCall
	references  int
	// refundReasons as in Server.
	refundReasons map[string]string
	billing       billing
	admin         *admin
	checkouts     commerce
}

// build makes the fake's objects from st, checking that what the fake
// relies on holds: every listed id has its object, under its own id.
func (st *state) build() (*loaded, error) {
	n := &loaded{customers: map[string]*customer{}, customerIDs: st.CustomerIDs, tokens: map[string]*token{},
		orders: orEmptyMap(st.Orders), orderIDs: st.OrderIDs, cashOrders: orEmptyMap(st.CashOrders), recurring: map[string]*source{},
		events: orEmptyMap(st.Events), eventIDs: st.EventIDs, logs: orEmptyMap(st.WebhookLogs),
		webhooks: orEmptyMap(st.Webhooks), webhookIDs: st.WebhookIDs, keys: map[string]*signingKey{}, keyIDs: st.KeyIDs,
		references: st.References, refundReasons: orEmptyMap(st.RefundReasons)}
	if st.IDs < 0 || st.References < 0 {
		return nil, errors.New("a counter is negative")
	}
	sources := map[string]*source{}
	for id, cs := range st.Customers {
		if cs.Customer.ID != id {
			return nil, fmt.Errorf("customer %q is filed under %q", cs.Customer.ID, id)
		}
		c := &customer{Customer: cs.Customer}
		for _, ss := range cs.Sources {
			src, err := ss.build()
			if err != nil {
				return nil, fmt.Errorf("customer %s: %w", id, err)
			}
			c.sources = append(c.sources, src)
			sources[src.id()] = src
		}
		n.customers[id] = c
	}
	for ref, ss := range st.Recurring {
		src, err := ss.build()
		if err != nil {
			return nil, fmt.Errorf("reference %s: %w", ref, err)
		}
		// The reference's source is the customer's own, so a change to one
		// is a change to the other, as before the save.
		if own, ok := sources[src.id()]; ok {
			src = own
		}
		n.recurring[ref] = src
	}
	for id, ts := range st.Tokens {
		c, err := ts.Card.build()
		if err != nil {
			return nil, fmt.Errorf("token %s: %w", id, err)
		}
		n.tokens[id] = &token{card: c, used: ts.Used}
	}
	for id, o := range n.orders {
		if err := checkSavedOrder(o, id); err != nil {
			return nil, err
		}
	}
	for id, raw := range n.events {
		// Compact, as the fake made it: the file is indented, and Resend
		// sends these very bytes.
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return nil, fmt.Errorf("event %q: %w", id, err)
		}
		if e, err := conekta.ParseEvent(buf.Bytes()); err != nil || e.ID != id {
			return nil, fmt.Errorf("event %q is not an event filed under its id", id)
		}
		n.events[id] = buf.Bytes()
	}
	for id, wh := range n.webhooks {
		if wh == nil || wh.ID != id {
			return nil, fmt.Errorf("webhook %q is not filed under its id", id)
		}
	}
	for id, l := range n.logs {
		for _, log := range l {
			if log == nil {
				return nil, fmt.Errorf("event %s has an empty webhook log", id)
			}
		}
	}
	for id, ks := range st.Keys {
		k, err := ks.build()
		if err != nil {
			return nil, fmt.Errorf("webhook key %q: %w", id, err)
		}
		if k.ID != id {
			return nil, fmt.Errorf("webhook key %q is filed under %q", k.ID, id)
		}
		n.keys[id] = k
	}
	if a := st.Approval; a != nil {
		n.approval = &approvalURL{url: a.URL, user: a.User, pass: a.Pass}
	}
	for _, d := range st.Deliveries {
		n.deliveries = append(n.deliveries, Delivery{EventID: d.EventID, EventType: d.EventType, WebhookID: d.WebhookID, URL: d.URL,
			Attempts: d.Attempts, StatusCode: d.StatusCode, Err: textErr(d.Err)})
	}
	for _, c := range st.SyncCalls {
		n.syncCalls = append(n.syncCalls, SyncCall{EventID: c.EventID, Type: c.Type, Reference: c.Reference, Amount: c.Amount,
			StatusCode: c.StatusCode, Answer: c.Answer, Err: textErr(c.Err), Elapsed: c.Elapsed})
	}
	if err := st.Billing.build(&n.billing); err != nil {
		return nil, err
	}
	if st.Admin != nil {
		a, err := st.Admin.build()
		if err != nil {
			return nil, err
		}
		n.admin = a
	}
	if len(st.Checkouts) > 0 || len(st.CheckoutIDs) > 0 {
		n.checkouts = commerce{checkouts: map[string]*checkout{}, checkoutIDs: st.CheckoutIDs}
		for id, cs := range st.Checkouts {
			if cs.Checkout.ID != id {
				return nil, fmt.Errorf("payment link %q is filed under %q", cs.Checkout.ID, id)
			}
			for _, oid := range cs.Orders {
				if _, ok := n.orders[oid]; !ok {
					return nil, fmt.Errorf("payment link %s names an unknown order %q", id, oid)
				}
			}
			if cs.Template == nil {
				return nil, fmt.Errorf("payment link %s has no order template", id)
			}
			n.checkouts.checkouts[id] = &checkout{obj: cs.Checkout, template: cs.Template, orders: cs.Orders}
		}
	}
	for _, c := range []error{
		listed("customer", n.customerIDs, n.customers), listed("order", n.orderIDs, n.orders),
		listed("event", n.eventIDs, n.events), listed("webhook", n.webhookIDs, n.webhooks),
		listed("webhook key", n.keyIDs, n.keys), listed("payment link", n.checkouts.checkoutIDs, n.checkouts.checkouts),
	} {
		if c != nil {
			return nil, c
		}
	}
	for ref, oid := range n.cashOrders {
		if _, ok := n.orders[oid]; !ok {
			return nil, fmt.Errorf("cash reference %s names an unknown order %q", ref, oid)
		}
	}
	return n, nil
}

// checkSavedOrder checks what the fake relies on in an order it made: its
// customer, lines and charges are there, each charge with how it was paid.
func checkSavedOrder(o *conekta.Order, id string) error {
	if o == nil || o.ID != id {
		return fmt.Errorf("order %q is not filed under its id", id)
	}
	if o.CustomerInfo == nil || o.LineItems == nil || o.Charges == nil {
		return fmt.Errorf("order %s has no customer_info, line_items or charges", id)
	}
	ok := noNil(o.LineItems.Data) && noNil(o.Charges.Data) && (o.DiscountLines == nil || noNil(o.DiscountLines.Data)) &&
		(o.ShippingLines == nil || noNil(o.ShippingLines.Data)) && (o.TaxLines == nil || noNil(o.TaxLines.Data))
	for _, ch := range o.Charges.Data {
		ok = ok && ch.PaymentMethod != nil && (ch.Refunds == nil || noNil(ch.Refunds.Data))
	}
	if !ok {
		return fmt.Errorf("order %s has an empty line, charge or refund, or a charge without payment_method", id)
	}
	return nil
}

func noNil[T any](l []*T) bool {
	for _, v := range l {
		if v == nil {
			return false
		}
	}
	return true
}

func (b *billingState) build(n *billing) error {
	n.plans, n.planIDs = orEmptyMap(b.Plans), b.PlanIDs
	n.subs, n.subIDs = map[string]*subscription{}, b.SubscriptionIDs
	n.portals = orEmptyMap(b.Portals)
	n.payouts, n.payoutIDs = orEmptyMap(b.Payouts), b.PayoutIDs
	n.transfers, n.transferIDs = orEmptyMap(b.Transfers), b.TransferIDs
	n.transferred, n.transactions = orEmptyMap(b.Transferred), orEmptyMap(b.Transactions)
	if b.Offset < 0 {
		return errors.New("the clock's offset is negative")
	}
	for id, ss := range b.Subscriptions {
		if ss.Subscription.ID != id {
			return fmt.Errorf("subscription %q is filed under %q", ss.Subscription.ID, id)
		}
		n.subs[id] = &subscription{Subscription: ss.Subscription, charges: ss.Charges, failures: ss.Failures, nextRetry: ss.NextRetry, events: ss.Events}
	}
	for id, p := range n.plans {
		if p == nil || p.ID != id {
			return fmt.Errorf("plan %q is not filed under its id", id)
		}
	}
	for id, p := range n.portals {
		if p == nil {
			return fmt.Errorf("the portal of subscription %q is empty", id)
		}
	}
	for id, p := range n.payouts {
		if p == nil || p.ID != id {
			return fmt.Errorf("payout order %q is not filed under its id", id)
		}
	}
	for id, t := range n.transfers {
		if t == nil || t.ID != id {
			return fmt.Errorf("transfer %q is not filed under its id", id)
		}
	}
	for _, err := range []error{listed("plan", n.planIDs, n.plans), listed("subscription", n.subIDs, n.subs),
		listed("payout order", n.payoutIDs, n.payouts), listed("transfer", n.transferIDs, n.transfers)} {
		if err != nil {
			return err
		}
	}
	return nil
}

func (a *adminState) build() (*admin, error) {
	n := &admin{rules: map[string]*ruleList{}, keys: map[string]*apiKey{}, keyIDs: a.KeyIDs, companies: map[string]*company{},
		companyIDs: a.CompanyIDs, shipping: map[string][]map[string]any{}, fiscal: map[string][]map[string]any{},
		reqLogs: map[string]map[string]any{}, reqLogIDs: a.RequestLogIDs, logCount: a.LogCount}
	for _, name := range []string{"whitelists", "blacklists"} {
		ls, ok := a.Rules[name]
		if !ok {
			return nil, fmt.Errorf("the %s are missing", name)
		}
		l := &ruleList{rules: map[string]map[string]any{}, ids: ls.IDs}
		for id, raw := range ls.Rules {
			m, err := loadObject(raw, id)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			l.rules[id] = m
		}
		if err := listed(name, l.ids, l.rules); err != nil {
			return nil, err
		}
		n.rules[name] = l
	}
	if len(a.Rules) != 2 {
		return nil, errors.New("only whitelists and blacklists are rule lists")
	}
	for id, ks := range a.Keys {
		m, err := loadObject(ks.Object, id)
		if err != nil {
			return nil, fmt.Errorf("api key: %w", err)
		}
		if _, ok := m["description"].(string); !ok {
			return nil, fmt.Errorf("api key %s has no description", id)
		}
		n.keys[id] = &apiKey{obj: m, token: ks.Token}
	}
	for id, cs := range a.Companies {
		m, err := loadObject(cs.Object, id)
		if err != nil {
			return nil, fmt.Errorf("company: %w", err)
		}
		docs, err := loadObjects(cs.Docs, false)
		if err != nil {
			return nil, fmt.Errorf("company %s: %w", id, err)
		}
		n.companies[id] = &company{obj: m, docs: docs}
	}
	for cid, l := range a.Shipping {
		objs, err := loadObjects(l, true)
		if err != nil {
			return nil, fmt.Errorf("shipping contacts of %s: %w", cid, err)
		}
		n.shipping[cid] = objs
	}
	for cid, l := range a.Fiscal {
		objs, err := loadObjects(l, true)
		if err != nil {
			return nil, fmt.Errorf("fiscal entities of %s: %w", cid, err)
		}
		n.fiscal[cid] = objs
	}
	for id, raw := range a.RequestLogs {
		m, err := loadObject(raw, id)
		if err != nil {
			return nil, fmt.Errorf("request log: %w", err)
		}
		n.reqLogs[id] = m
	}
	for _, err := range []error{listed("api key", n.keyIDs, n.keys), listed("company", n.companyIDs, n.companies),
		listed("request log", n.reqLogIDs, n.reqLogs)} {
		if err != nil {
			return nil, err
		}
	}
	return n, nil
}

func (ss *sourceState) build() (*source, error) {
	obj, err := loadObject(ss.Object, "")
	if err != nil {
		return nil, fmt.Errorf("payment source: %w", err)
	}
	src := &source{obj: obj, customerID: ss.CustomerID}
	if ss.Card != nil {
		if src.card, err = ss.Card.build(); err != nil {
			return nil, fmt.Errorf("payment source %s: %w", src.id(), err)
		}
	}
	return src, nil
}

func (cs *cardState) build() (*card, error) {
	for o, name := range outcomeNames {
		if name == cs.Outcome {
			return &card{last4: cs.Last4, brand: cs.Brand, outcome: o}, nil
		}
	}
	return nil, fmt.Errorf("a card's outcome %q is not one of approve, decline, no_funds", cs.Outcome)
}

func (ks *keyState) build() (*signingKey, error) {
	k, err := x509.ParsePKCS8PrivateKey(ks.PKCS8)
	if err != nil {
		return nil, errors.New("the private key is not PKCS #8")
	}
	priv, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("the private key is not RSA")
	}
	pemText, err := conekta.MarshalPublicKey(&priv.PublicKey)
	if err != nil || pemText != ks.Key.PublicKey {
		return nil, errors.New("the public key is not the private key's")
	}
	return &signingKey{WebhookKey: ks.Key, private: priv}, nil
}

// loadObject reads one of the fake's free-form objects with exact numbers;
// when id is not "", its "id" must be id. Every object has a string id.
func loadObject(raw json.RawMessage, id string) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil || m == nil {
		return nil, fmt.Errorf("object %q is not a JSON object", id)
	}
	got, ok := m["id"].(string)
	if id != "" && got != id || id == "" && !ok {
		return nil, fmt.Errorf("object %q has the id %q", id, got)
	}
	return m, nil
}

func loadObjects(raws []json.RawMessage, withID bool) ([]map[string]any, error) {
	var out []map[string]any
	for _, raw := range raws {
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		var m map[string]any
		if err := d.Decode(&m); err != nil || m == nil {
			return nil, errors.New("an object is not a JSON object")
		}
		if _, ok := m["id"].(string); withID && !ok {
			return nil, errors.New("an object has no id")
		}
		out = append(out, m)
	}
	return out, nil
}

// listed checks that every id of a creation-order list has its object.
func listed[T any](what string, ids []string, objects map[string]T) error {
	seen := map[string]bool{}
	for _, id := range ids {
		if _, ok := objects[id]; !ok || seen[id] {
			return fmt.Errorf("the %s list names %q, which is missing or twice", what, id)
		}
		seen[id] = true
	}
	return nil
}

func orEmptyMap[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return map[K]V{}
	}
	return m
}
