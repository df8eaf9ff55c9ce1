package webhook

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"
)

// Key identifies one event for deduplication.
type Key struct {
	// Namespace separates services sharing one store; by default the
	// provider name, set per handler with WithNamespace.
	Namespace string
	// Provider is "toku", "conekta", "fygaro" or "tpaga".
	Provider string
	// Event is the provider's own key for the event: the event id for Toku
	// and Conekta, the transaction reference for Fygaro, efecty_order_id with
	// reference for Tpaga.
	Event string
}

// String joins namespace, provider and event with slashes, for logs.
func (k Key) String() string { return k.Namespace + "/" + k.Provider + "/" + k.Event }

// ClaimStatus is the answer to Store.Claim.
type ClaimStatus int

const (
	// Acquired: the caller owns the event until its lease runs out, and must
	// Complete or Release it.
	Acquired ClaimStatus = iota + 1
	// Done: the event was processed already; acknowledge without processing.
	Done
	// Busy: another delivery holds a live claim on the event.
	Busy
	// Unclaimed: a StateReader's answer for an event no live claim holds
	// and none completed (never seen, released after a failure, or its
	// lease ran out): the next Claim acquires it. Claim never answers it.
	Unclaimed
)

// String names the status: "acquired", "done", "busy" or "unclaimed".
func (s ClaimStatus) String() string {
	switch s {
	case Acquired:
		return "acquired"
	case Done:
		return "done"
	case Busy:
		return "busy"
	case Unclaimed:
		return "unclaimed"
	}
	return fmt.Sprintf("ClaimStatus(%d)", int(s))
}

// Claim is the answer to Store.Claim.
type Claim struct {
	Key    Key
	Status ClaimStatus
	// Token proves ownership of an Acquired claim to Complete and Release.
	Token string
	// Attempt counts the claims of this key so far, 1 for the first.
	Attempt int
}

// Store remembers which events were processed, so that each is processed
// once, across retries, concurrent duplicates and (with a shared store)
// replicas. Handlers call it in this order:
//
//   - Claim(ctx, key, lease) takes the event for lease, unless it is Done or
//     another live claim holds it (Busy). An Acquired claim whose lease runs
//     out may be taken by the next Claim: a replica that died mid-processing
//     never loses the event.
//   - Complete(ctx, claim) marks it Done after user code succeeded.
//   - Release(ctx, claim, cause) gives it up after user code failed, so the
//     provider's retry processes it again; cause is user code's error text.
//
// Complete and Release act only for the claim's owner: once another
// delivery took over an expired lease, they return ErrNotOwner and change
// nothing. Errors from a Store make the handler answer 503, so the provider
// retries; an event is never processed without a claim.
type Store interface {
	Claim(ctx context.Context, key Key, lease time.Duration) (Claim, error)
	Complete(ctx context.Context, c Claim) error
	Release(ctx context.Context, c Claim, cause error) error
}

// StateReader is implemented by stores that can tell an event's state
// without claiming it: Done, Busy or Unclaimed. It is optional, so a Store
// of your own keeps compiling; the replays (ReplayToku, ReplayConekta,
// ReplayTpaga) use it to skip processed events with one read each, and
// claim every listed event instead when the store lacks it. MemoryStore and
// webhook/pgstore implement it; webhook/storetest checks it when present.
type StateReader interface {
	State(ctx context.Context, key Key) (ClaimStatus, error)
}

// MemoryStoreConfig configures NewMemoryStore; zero fields take defaults.
type MemoryStoreConfig struct {
	// Retention is how long Done keys are remembered (default 7 days).
	Retention time.Duration
	// MaxDone bounds how many Done keys are kept (default 100,000); the
	// oldest are forgotten first, each eviction logged at warn.
	MaxDone int
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logger receives eviction warnings (default: discard).
	Logger *slog.Logger
}

// MemoryStore is the default Store: in-process, bounded.
//
// It dedupes per process only. For Conekta, Tpaga and JWT-only Fygaro hooks,
// whose deliveries carry no signed timestamp, this memory is the only
// defence against replay: a restart, or a second replica, reopens replay of
// old deliveries. Run a shared store (webhook/pgstore) behind several
// replicas.
type MemoryStore struct {
	mu        sync.Mutex
	entries   map[Key]memEntry
	done      []Key // Done keys, oldest completion first, from done[head]
	head      int
	retention time.Duration
	maxDone   int
	now       func() time.Time
	log       *slog.Logger
	tokenBase string // random per store; a counter makes each token unique
	tokens    uint64
}

type memEntry struct {
	done     bool
	token    string
	expires  time.Time
	doneAt   time.Time
	attempts int
}

// NewMemoryStore returns an empty in-memory store.
func NewMemoryStore(cfg MemoryStoreConfig) *MemoryStore {
	s := &MemoryStore{
		entries:   map[Key]memEntry{},
		retention: cfg.Retention,
		maxDone:   cfg.MaxDone,
		now:       cfg.Now,
		log:       cfg.Logger,
		tokenBase: newToken() + "-",
	}
	if s.retention <= 0 {
		s.retention = 7 * 24 * time.Hour
	}
	if s.maxDone <= 0 {
		s.maxDone = 100_000
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s
}

// local marks MemoryStore as doing no I/O: handlers put no deadline on its calls.
func (s *MemoryStore) local() {}

// Claim implements Store.
func (s *MemoryStore) Claim(_ context.Context, key Key, lease time.Duration) (Claim, error) {
	if lease <= 0 {
		return Claim{}, fmt.Errorf("webhook: lease %s must be positive", lease)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.expireLocked(now)
	e, ok := s.entries[key]
	switch {
	case ok && e.done:
		return Claim{Key: key, Status: Done, Attempt: e.attempts}, nil
	case ok && now.Before(e.expires):
		return Claim{Key: key, Status: Busy, Attempt: e.attempts}, nil
	}
	// New, released or expired: take it.
	s.tokens++
	e.attempts++
	e.token = s.tokenBase + strconv.FormatUint(s.tokens, 36)
	e.expires = now.Add(lease)
	s.entries[key] = e
	return Claim{Key: key, Status: Acquired, Token: e.token, Attempt: e.attempts}, nil
}

// State implements StateReader.
func (s *MemoryStore) State(_ context.Context, key Key) (ClaimStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.expireLocked(now)
	e, ok := s.entries[key]
	switch {
	case ok && e.done:
		return Done, nil
	case ok && now.Before(e.expires):
		return Busy, nil
	}
	return Unclaimed, nil
}

// owned returns the entry c owns.
func (s *MemoryStore) owned(c Claim) (memEntry, bool) {
	e, ok := s.entries[c.Key]
	return e, ok && !e.done && c.Token != "" && e.token == c.Token
}

// Complete implements Store.
func (s *MemoryStore) Complete(_ context.Context, c Claim) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.owned(c)
	if !ok {
		return ErrNotOwner
	}
	e.done, e.doneAt, e.token = true, s.now(), ""
	s.entries[c.Key] = e
	s.done = append(s.done, c.Key)
	for len(s.done)-s.head > s.maxDone {
		oldest := s.popDoneLocked()
		delete(s.entries, oldest)
		if s.log.Enabled(context.Background(), slog.LevelWarn) {
			s.log.LogAttrs(context.Background(), slog.LevelWarn, "webhook: memory store full; forgot a processed event, so a replay of it would be processed again",
				slog.String("key", oldest.String()), slog.Int("max_done", s.maxDone))
		}
	}
	return nil
}

// Release implements Store.
func (s *MemoryStore) Release(_ context.Context, c Claim, _ error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.owned(c); !ok {
		return ErrNotOwner
	}
	// Forget it, so the store stays bounded by Done keys; the next delivery
	// claims it afresh.
	delete(s.entries, c.Key)
	return nil
}

// expireLocked forgets Done keys older than the retention.
func (s *MemoryStore) expireLocked(now time.Time) {
	for s.head < len(s.done) {
		k := s.done[s.head]
		if e, ok := s.entries[k]; ok && e.done && now.Sub(e.doneAt) < s.retention {
			return
		}
		s.popDoneLocked()
		delete(s.entries, k)
	}
}

// popDoneLocked removes the oldest Done key from the queue, compacting it
// when its consumed head outgrows the rest.
func (s *MemoryStore) popDoneLocked() Key {
	k := s.done[s.head]
	s.done[s.head] = Key{}
	s.head++
	if s.head > len(s.done)/2 && s.head > 1024 {
		s.done = append(s.done[:0], s.done[s.head:]...)
		s.head = 0
	}
	return k
}

// Len returns how many keys the store holds (claimed or done).
func (s *MemoryStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries)
}

func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}
