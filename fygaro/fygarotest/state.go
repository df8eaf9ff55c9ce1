package fygarotest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/pagos-go/pagos/internal/fake"
)

// state is the fake's saved form: the button's hook settings, its payments
// and the hook deliveries.
type state struct {
	// IDs is how many references the default source handed out.
	IDs           int             `json:"ids"`
	HookURL       string          `json:"hook_url"`
	HookSuspended bool            `json:"hook_suspended"`
	Payments      []paymentState  `json:"payments"`
	Deliveries    []deliveryState `json:"deliveries"`
}

type paymentState struct {
	Reference string         `json:"reference"`
	Checkout  Checkout       `json:"checkout"`
	CreatedAt time.Time      `json:"created_at"`
	Delivery  *deliveryState `json:"delivery,omitempty"`
}

type deliveryState struct {
	Reference  string `json:"reference"`
	URL        string `json:"url"`
	Attempts   int    `json:"attempts"`
	StatusCode int    `json:"status_code"`
	Err        string `json:"err,omitempty"` // the error's text; "" for none
	Suspended  bool   `json:"suspended"`
}

func saveDelivery(d Delivery) deliveryState {
	ds := deliveryState{Reference: d.Reference, URL: d.URL, Attempts: d.Attempts, StatusCode: d.StatusCode, Suspended: d.Suspended}
	if d.Err != nil {
		ds.Err = d.Err.Error()
	}
	return ds
}

// delivery restores a delivery record; its error is the saved text, or
// ErrHookSuspended itself, so errors.Is still matches it.
func (ds deliveryState) delivery() Delivery {
	d := Delivery{Reference: ds.Reference, URL: ds.URL, Attempts: ds.Attempts, StatusCode: ds.StatusCode, Suspended: ds.Suspended}
	switch ds.Err {
	case "":
	case ErrHookSuspended.Error():
		d.Err = ErrHookSuspended
	default:
		d.Err = errors.New(ds.Err)
	}
	return d
}

// SaveState writes the fake's objects as JSON, for LoadState: the hook URL,
// whether the hook is suspended, the payments (what was paid, by whom,
// when, and their hook's delivery), the delivery records (an error kept as
// its text) and the reference count (of the default source: references
// from WithIDs are the caller's).
//
// It does not keep a hook still being delivered (save after Pay returned,
// or after Close), the servers Subscribe started, nor what NewServer's
// options set (credentials, hook kind, clock, ids, sleep), which a
// restarted fake takes from its own options.
func (s *Server) SaveState(w io.Writer) error {
	b, err := s.snapshot()
	if err != nil {
		return fmt.Errorf("fygarotest: saving state: %w", err)
	}
	return fake.WriteState(w, "fygaro", b)
}

// snapshot encodes the state under the lock, so no payment changes while
// it is written.
func (s *Server) snapshot() (json.RawMessage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := state{HookURL: s.hookURL, HookSuspended: s.suspended}
	if s.ids != nil {
		st.IDs = s.ids.Count()
	}
	for _, p := range s.payments {
		ps := paymentState{Reference: p.Reference, Checkout: p.Checkout, CreatedAt: p.CreatedAt}
		if p.Delivery != nil {
			ds := saveDelivery(*p.Delivery)
			ps.Delivery = &ds
		}
		st.Payments = append(st.Payments, ps)
	}
	for _, d := range s.deliveries {
		st.Deliveries = append(st.Deliveries, saveDelivery(d))
	}
	return json.Marshal(st)
}

// LoadState replaces the fake's payments, deliveries and hook settings with
// those SaveState wrote, and moves the reference count forward so no
// reference is handed out twice. A file that is corrupt, from another fake
// or another format version is refused with an error saying so, and the
// fake is left as it was.
func (s *Server) LoadState(r io.Reader) error {
	var st state
	if err := fake.ReadState(r, "fygaro", &st); err != nil {
		return err
	}
	if st.IDs < 0 {
		return errors.New("fygarotest: the state file's objects are inconsistent: a negative id count")
	}
	var payments []*Payment
	seen := map[string]bool{}
	for _, ps := range st.Payments {
		if ps.Reference == "" || seen[ps.Reference] {
			return fmt.Errorf("fygarotest: the state file's objects are inconsistent: payment reference %q is empty or appears twice", ps.Reference)
		}
		seen[ps.Reference] = true
		p := &Payment{Reference: ps.Reference, Checkout: ps.Checkout, CreatedAt: ps.CreatedAt}
		if ps.Delivery != nil {
			d := ps.Delivery.delivery()
			p.Delivery = &d
		}
		payments = append(payments, p)
	}
	var deliveries []Delivery
	for _, ds := range st.Deliveries {
		deliveries = append(deliveries, ds.delivery())
	}
	s.mu.Lock()
	s.hookURL, s.suspended = st.HookURL, st.HookSuspended
	s.payments, s.deliveries = payments, deliveries
	s.mu.Unlock()
	if s.ids != nil {
		s.ids.Restore(st.IDs)
	}
	return nil
}
