package tokutest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/pagos-go/pagos/internal/fake"
	"github.com/pagos-go/pagos/toku"
)

// state is the fake's saved form: every object its API returns or a
// control acts on, in the order the fake lists them. Customers, invoices,
// subscriptions and redirections are kept in Toku's wire form.
type state struct {
	// IDs is how many ids the default id source handed out.
	IDs int `json:"ids"`
	// ClockOffset is how far Advance moved the clock, in nanoseconds.
	ClockOffset  time.Duration       `json:"clock_offset_ns"`
	Customers    []*toku.Customer    `json:"customers"`
	Invoices     []*toku.Invoice     `json:"invoices"`
	Endpoints    []endpointState     `json:"webhook_endpoints"`
	Transactions []transactionState  `json:"transactions"`
	Events       []eventState        `json:"events"`
	Deliveries   []deliveryState     `json:"deliveries"`
	Subs         []subscriptionState `json:"subscriptions"`
	Redirections []*toku.Redirection `json:"redirections"`
}

// endpointState is a webhook endpoint with its secret, which toku's own
// type writes redacted.
type endpointState struct {
	ID            string              `json:"id"`
	URL           string              `json:"url"`
	EnabledEvents []toku.EventType    `json:"enabled_events"`
	Status        toku.EndpointStatus `json:"status"`
	Secret        string              `json:"secret"`
}

type transactionState struct {
	ID        string          `json:"id"`
	IntentID  string          `json:"payment_intent_id"`
	InvoiceID string          `json:"invoice_id"`
	At        time.Time       `json:"at"`
	Body      json.RawMessage `json:"body"`
}

// eventState is a sent event, kept so Resend works after a restart.
type eventState struct {
	ID          string          `json:"id"`
	Body        json.RawMessage `json:"body"`
	EndpointIDs []string        `json:"endpoint_ids"`
}

type deliveryState struct {
	EventID    string         `json:"event_id"`
	EventType  toku.EventType `json:"event_type"`
	EndpointID string         `json:"endpoint_id"`
	URL        string         `json:"url"`
	Attempts   int            `json:"attempts"`
	StatusCode int            `json:"status_code"`
	Err        string         `json:"err,omitempty"` // the error's text; "" for none
}

// subscriptionState is a subscription and its billing position: the next
// month whose invoice is not yet issued.
type subscriptionState struct {
	Subscription *toku.Subscription `json:"subscription"`
	NextYear     int                `json:"next_year"`
	NextMonth    time.Month         `json:"next_month"`
}

// SaveState writes the fake's objects as JSON, for LoadState: customers,
// invoices, webhook endpoints with their secrets, transactions, the events
// sent (so Resend works after a restart), the delivery records (an error
// kept as its text), subscriptions with their billing position,
// redirections, the clock's Advance and the id count (of the default
// source: ids from WithIDs are the caller's).
//
// It does not keep the deliveries still being attempted (call it after
// Settle or Close to include them), the servers Subscribe started, nor
// what NewServer's options set (API key, clock, ids, sleep, …), which a
// restarted fake takes from its own options. A bank-account check leaves
// nothing to keep: its result is sent once.
func (s *Server) SaveState(w io.Writer) error {
	b, err := s.snapshot()
	if err != nil {
		return fmt.Errorf("tokutest: saving state: %w", err)
	}
	return fake.WriteState(w, "toku", b)
}

// snapshot encodes the state under the lock, so no handler changes an
// object while it is written.
func (s *Server) snapshot() (json.RawMessage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := state{ClockOffset: time.Duration(s.ext.offset.Load())}
	if s.ids != nil {
		st.IDs = s.ids.Count()
	}
	for _, id := range s.customerIDs {
		st.Customers = append(st.Customers, s.customers[id])
	}
	for _, id := range s.invoiceIDs {
		st.Invoices = append(st.Invoices, s.invoices[id])
	}
	for _, id := range s.endpointIDs {
		e := s.endpoints[id]
		st.Endpoints = append(st.Endpoints, endpointState{ID: e.ID, URL: e.URL, EnabledEvents: e.EnabledEvents, Status: e.Status, Secret: e.secret})
	}
	for _, t := range s.transactions {
		st.Transactions = append(st.Transactions, transactionState{ID: t.id, IntentID: t.intentID, InvoiceID: t.invoiceID, At: t.at, Body: t.body})
	}
	for _, id := range sortedKeys(s.events) {
		ev := s.events[id]
		st.Events = append(st.Events, eventState{ID: id, Body: ev.body, EndpointIDs: ev.endpointIDs})
	}
	for _, d := range s.deliveries {
		ds := deliveryState{EventID: d.EventID, EventType: d.EventType, EndpointID: d.EndpointID, URL: d.URL, Attempts: d.Attempts, StatusCode: d.StatusCode}
		if d.Err != nil {
			ds.Err = d.Err.Error()
		}
		st.Deliveries = append(st.Deliveries, ds)
	}
	for _, id := range s.ext.subIDs {
		sub := s.ext.subs[id]
		st.Subs = append(st.Subs, subscriptionState{Subscription: sub.sub, NextYear: sub.next.year, NextMonth: sub.next.mon})
	}
	for _, id := range sortedKeys(s.ext.redirection) {
		st.Redirections = append(st.Redirections, s.ext.redirection[id])
	}
	return json.Marshal(st)
}

func sortedKeys[T any](m map[string]T) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// LoadState replaces the fake's objects with those SaveState wrote, and
// moves the id count forward so no id is handed out twice. A file that is
// corrupt, inconsistent, from another fake or another format version is
// refused with an error saying so, and the fake is left as it was. Call it
// before the fake is in use: deliveries in flight are not stopped.
func (s *Server) LoadState(r io.Reader) error {
	var st state
	if err := fake.ReadState(r, "toku", &st); err != nil {
		return err
	}
	n, err := st.objects()
	if err != nil {
		return fmt.Errorf("tokutest: the state file's objects are inconsistent: %w", err)
	}
	s.mu.Lock()
	s.customers, s.customerIDs = n.customers, n.customerIDs
	s.invoices, s.invoiceIDs = n.invoices, n.invoiceIDs
	s.endpoints, s.endpointIDs = n.endpoints, n.endpointIDs
	s.transactions, s.events, s.deliveries = n.transactions, n.events, n.deliveries
	s.ext.subs, s.ext.subIDs, s.ext.redirection = n.subs, n.subIDs, n.redirection
	s.ext.offset.Store(int64(st.ClockOffset))
	s.mu.Unlock()
	if s.ids != nil {
		s.ids.Restore(st.IDs)
	}
	return nil
}

// loaded are the fake's objects built from a state file, before they
// replace the fake's.
type loaded struct {
	customers    map[string]*toku.Customer
	customerIDs  []string
	invoices     map[string]*toku.Invoice
	invoiceIDs   []string
	endpoints    map[string]*endpoint
	endpointIDs  []string
	transactions []*transaction
	events       map[string]*sentEvent
	deliveries   []Delivery
	subs         map[string]*subState
	subIDs       []string
	redirection  map[string]*toku.Redirection
}

// objects checks st and builds the fake's objects from it. It refuses
// what would make the fake misbehave: a missing object or id, an id used
// twice, a negative clock offset, a recurring subscription without its
// amount, due day or billing position.
func (st *state) objects() (*loaded, error) {
	if st.IDs < 0 || st.ClockOffset < 0 {
		return nil, errors.New("a negative id count or clock offset")
	}
	n := &loaded{customers: map[string]*toku.Customer{}, invoices: map[string]*toku.Invoice{}, endpoints: map[string]*endpoint{},
		events: map[string]*sentEvent{}, subs: map[string]*subState{}, redirection: map[string]*toku.Redirection{}}
	for _, c := range st.Customers {
		if c == nil {
			return nil, errors.New("a customer is null")
		}
		if err := fresh("customer", c.ID, n.customers); err != nil {
			return nil, err
		}
		n.customers[c.ID] = c
		n.customerIDs = append(n.customerIDs, c.ID)
	}
	for _, inv := range st.Invoices {
		if inv == nil {
			return nil, errors.New("an invoice is null")
		}
		if err := fresh("invoice", inv.ID, n.invoices); err != nil {
			return nil, err
		}
		n.invoices[inv.ID] = inv
		n.invoiceIDs = append(n.invoiceIDs, inv.ID)
	}
	for _, e := range st.Endpoints {
		if err := fresh("webhook endpoint", e.ID, n.endpoints); err != nil {
			return nil, err
		}
		n.endpoints[e.ID] = &endpoint{WebhookEndpoint: toku.WebhookEndpoint{ID: e.ID, URL: e.URL, EnabledEvents: e.EnabledEvents, Status: e.Status}, secret: e.Secret}
		n.endpointIDs = append(n.endpointIDs, e.ID)
	}
	for _, t := range st.Transactions {
		n.transactions = append(n.transactions, &transaction{id: t.ID, intentID: t.IntentID, invoiceID: t.InvoiceID, at: t.At, body: compact(t.Body)})
	}
	for _, ev := range st.Events {
		if err := fresh("event", ev.ID, n.events); err != nil {
			return nil, err
		}
		n.events[ev.ID] = &sentEvent{body: compact(ev.Body), endpointIDs: ev.EndpointIDs}
	}
	for _, d := range st.Deliveries {
		del := Delivery{EventID: d.EventID, EventType: d.EventType, EndpointID: d.EndpointID, URL: d.URL, Attempts: d.Attempts, StatusCode: d.StatusCode}
		if d.Err != "" {
			del.Err = errors.New(d.Err)
		}
		n.deliveries = append(n.deliveries, del)
	}
	for _, ss := range st.Subs {
		sub := ss.Subscription
		if sub == nil {
			return nil, errors.New("a subscription is null")
		}
		if err := fresh("subscription", sub.ID, n.subs); err != nil {
			return nil, err
		}
		if sub.IsRecurring && (sub.Amount == nil || sub.DueDay == nil || *sub.DueDay < 1 || *sub.DueDay > 31 ||
			ss.NextYear < 1 || ss.NextYear > 9999 || ss.NextMonth < time.January || ss.NextMonth > time.December) {
			return nil, fmt.Errorf("recurring subscription %q lacks its amount, due day or next month", sub.ID)
		}
		sub.Raw = nil // the fake writes its own fields, not what was read
		n.subs[sub.ID] = &subState{sub: sub, next: month{ss.NextYear, ss.NextMonth}}
		n.subIDs = append(n.subIDs, sub.ID)
	}
	for _, red := range st.Redirections {
		if red == nil {
			return nil, errors.New("a redirection is null")
		}
		if err := fresh("redirection", red.ID, n.redirection); err != nil {
			return nil, err
		}
		n.redirection[red.ID] = red
	}
	return n, nil
}

// fresh refuses an empty id and an id already seen.
func fresh[T any](kind, id string, seen map[string]T) error {
	if id == "" {
		return fmt.Errorf("a %s has no id", kind)
	}
	if _, dup := seen[id]; dup {
		return fmt.Errorf("%s %q appears twice", kind, id)
	}
	return nil
}

// compact undoes the state file's indentation of a raw JSON body, so an
// event is resent with the bytes it was first sent with.
func compact(raw json.RawMessage) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return raw // the decoder checked it is JSON; not reached
	}
	return b.Bytes()
}
