package tpagatest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	"github.com/pagos-go/pagos/internal/fake"
	"github.com/pagos-go/pagos/tpaga"
)

// counter is the default id source: a count shared by every prefix, put
// after the prefix to 12 characters, or 10 for "PR" (Tpaga adds the
// merchant's 2-character prefix). Its count is saved, so a restored fake
// never hands out an id twice.
type counter struct {
	mu sync.Mutex
	n  int
}

// New returns the next id with prefix.
func (c *counter) New(prefix string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	width := 12 - len(prefix)
	if prefix == "PR" {
		width = 8
	}
	return fmt.Sprintf("%s%0*d", prefix, width, c.n)
}

// Count is how many ids were handed out.
func (c *counter) Count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// Restore moves the count forward to n; it never moves it back.
func (c *counter) Restore(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n = max(c.n, n)
}

// state is the fake's saved form: the notification settings and every
// reference with its deposit intents.
type state struct {
	// IDs is how many ids the default id source handed out.
	IDs                 int              `json:"ids"`
	NotifyURL           string           `json:"notify_url"`
	NotifyAuthorization string           `json:"notify_authorization"`
	References          []referenceState `json:"references"`
	// Tokens maps each idempotency_token to the single-use reference it
	// made, so a repeated create still returns it.
	Tokens     map[string]string `json:"idempotency_tokens"`
	Deliveries []deliveryState   `json:"deliveries"`
}

// referenceState is a reference: single-use (SingleUse set) or permanent.
type referenceState struct {
	Reference string           `json:"reference"`
	SingleUse *tpaga.Reference `json:"single_use,omitempty"`
	Permanent bool             `json:"permanent"`
	Enabled   bool             `json:"enabled"`
	Deposits  []depositState   `json:"deposit_intents"`
}

// depositState is a deposit intent with the notification it sends.
type depositState struct {
	ID             string          `json:"id"`
	Reference      string          `json:"reference"`
	Amount         int64           `json:"amount"`
	EfectyOrderID  string          `json:"efecty_order_id"`
	EfectyOfficeID string          `json:"efecty_office_id"`
	CreatedAt      time.Time       `json:"created_at"`
	Notification   json.RawMessage `json:"notification"`
}

type deliveryState struct {
	Reference     string `json:"reference"`
	EfectyOrderID string `json:"efecty_order_id"`
	URL           string `json:"url"`
	Attempts      int    `json:"attempts"`
	StatusCode    int    `json:"status_code"`
	Err           string `json:"err,omitempty"` // the error's text; "" for none
}

// SaveState writes the fake's objects as JSON, for LoadState: the
// notification URL and its Authorization value, single-use and permanent
// references (enabled or not) with their deposit intents and
// notifications, the idempotency tokens, the delivery records (an error
// kept as its text) and the id count (of the default source: ids from
// WithIDs are the caller's).
//
// It does not keep a notification still being attempted (save after the
// simulator's Pay returned, or after Close), the servers Subscribe started,
// nor what NewServer's options set (token, prefix, clock, ids, sleep, …),
// which a restarted fake takes from its own options.
func (s *Server) SaveState(w io.Writer) error {
	b, err := s.snapshot()
	if err != nil {
		return fmt.Errorf("tpagatest: saving state: %w", err)
	}
	return fake.WriteState(w, "tpaga", b)
}

// snapshot encodes the state under the lock, so no handler changes an
// object while it is written.
func (s *Server) snapshot() (json.RawMessage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := state{NotifyURL: s.notifyURL, NotifyAuthorization: s.notifyAuth, Tokens: s.tokens}
	if s.ids != nil {
		st.IDs = s.ids.Count()
	}
	codes := make([]string, 0, len(s.refs))
	for code := range s.refs {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		ref := s.refs[code]
		rs := referenceState{Reference: code, SingleUse: ref.single, Permanent: ref.permanent, Enabled: ref.enabled, Deposits: []depositState{}}
		for _, d := range ref.deposits {
			rs.Deposits = append(rs.Deposits, depositState{ID: d.ID, Reference: d.Reference, Amount: d.Amount, EfectyOrderID: d.EfectyOrderID,
				EfectyOfficeID: d.EfectyOfficeID, CreatedAt: d.CreatedAt, Notification: d.notification})
		}
		st.References = append(st.References, rs)
	}
	for _, d := range s.deliveries {
		ds := deliveryState{Reference: d.Reference, EfectyOrderID: d.EfectyOrderID, URL: d.URL, Attempts: d.Attempts, StatusCode: d.StatusCode}
		if d.Err != nil {
			ds.Err = d.Err.Error()
		}
		st.Deliveries = append(st.Deliveries, ds)
	}
	return json.Marshal(st)
}

// LoadState replaces the fake's objects and notification settings with
// those SaveState wrote, and moves the id count forward so no id is handed
// out twice. A file that is corrupt, inconsistent, from another fake or
// another format version is refused with an error saying so, and the fake
// is left as it was.
func (s *Server) LoadState(r io.Reader) error {
	var st state
	if err := fake.ReadState(r, "tpaga", &st); err != nil {
		return err
	}
	refs, deposits, err := st.objects()
	if err != nil {
		return fmt.Errorf("tpagatest: the state file's objects are inconsistent: %w", err)
	}
	tokens := map[string]string{}
	for tok, code := range st.Tokens {
		tokens[tok] = code
	}
	var deliveries []Delivery
	for _, d := range st.Deliveries {
		del := Delivery{Reference: d.Reference, EfectyOrderID: d.EfectyOrderID, URL: d.URL, Attempts: d.Attempts, StatusCode: d.StatusCode}
		if d.Err != "" {
			del.Err = errors.New(d.Err)
		}
		deliveries = append(deliveries, del)
	}
	s.mu.Lock()
	s.notifyURL, s.notifyAuth = st.NotifyURL, st.NotifyAuthorization
	s.refs, s.tokens, s.deposits, s.deliveries = refs, tokens, deposits, deliveries
	s.mu.Unlock()
	if s.ids != nil {
		s.ids.Restore(st.IDs)
	}
	return nil
}

// objects checks st and builds the references and the deposits by efecty
// order id. It refuses what would make the fake misbehave: a reference
// without a code or both single-use and permanent (or neither), a code or
// an efecty order id used twice, a token naming no single-use reference.
func (st *state) objects() (map[string]*reference, map[string]*deposit, error) {
	if st.IDs < 0 {
		return nil, nil, errors.New("a negative id count")
	}
	refs := map[string]*reference{}
	deposits := map[string]*deposit{}
	for _, rs := range st.References {
		switch {
		case rs.Reference == "":
			return nil, nil, errors.New("a reference has no code")
		case refs[rs.Reference] != nil:
			return nil, nil, fmt.Errorf("reference %q appears twice", rs.Reference)
		case (rs.SingleUse == nil) != rs.Permanent:
			return nil, nil, fmt.Errorf("reference %q is not either single-use or permanent", rs.Reference)
		case rs.SingleUse != nil && rs.SingleUse.Reference != rs.Reference:
			return nil, nil, fmt.Errorf("single-use reference %q holds reference %q", rs.Reference, rs.SingleUse.Reference)
		}
		ref := &reference{single: rs.SingleUse, permanent: rs.Permanent, enabled: rs.Enabled}
		for _, ds := range rs.Deposits {
			if ds.EfectyOrderID == "" || deposits[ds.EfectyOrderID] != nil {
				return nil, nil, fmt.Errorf("efecty order id %q of reference %q is empty or appears twice", ds.EfectyOrderID, rs.Reference)
			}
			d := &deposit{ID: ds.ID, Reference: ds.Reference, Amount: ds.Amount, EfectyOrderID: ds.EfectyOrderID, EfectyOfficeID: ds.EfectyOfficeID,
				CreatedAt: ds.CreatedAt, notification: compact(ds.Notification)}
			ref.deposits = append(ref.deposits, d)
			deposits[d.EfectyOrderID] = d
		}
		refs[rs.Reference] = ref
	}
	for tok, code := range st.Tokens {
		if ref := refs[code]; ref == nil || ref.single == nil {
			return nil, nil, fmt.Errorf("idempotency token %q names %q, not a single-use reference", tok, code)
		}
	}
	return refs, deposits, nil
}

// compact undoes the state file's indentation of a raw JSON body, so a
// notification is resent with the bytes it was first sent with.
func compact(raw json.RawMessage) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return raw // the decoder checked it is JSON; not reached
	}
	return b.Bytes()
}
