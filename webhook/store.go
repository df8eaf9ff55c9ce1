package webhook

import (
	"container/list"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
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
)

func (s ClaimStatus) String() string {
	switch s {
	case Acquired:
		return "acquired"
	case Done:
		return "done"
	case Busy:
		return "busy"
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
	entries   map[Key]*memEntry
	done      *list.List // of Key, oldest completion first
	retention time.Duration
	maxDone   int
	now       func() time.Time
	log       *slog.Logger
}

type memEntry struct {
	done     bool
	token    string
	expires  time.Time
	attempts int
	doneAt   time.Time
	elem     *list.Element
}

// NewMemoryStore returns an empty in-memory store.
func NewMemoryStore(cfg MemoryStoreConfig) *MemoryStore {
	s := &MemoryStore{
		entries:   map[Key]*memEntry{},
		done:      list.New(),
		retention: cfg.Retention,
		maxDone:   cfg.MaxDone,
		now:       cfg.Now,
		log:       cfg.Logger,
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

// Claim implements Store.
func (s *MemoryStore) Claim(_ context.Context, key Key, lease time.Duration) (Claim, error) {
	if lease <= 0 {
		return Claim{}, fmt.Errorf("webhook: lease %s must be positive", lease)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.expireLocked(now)
	e := s.entries[key]
	switch {
	case e != nil && e.done:
		return Claim{Key: key, Status: Done, Attempt: e.attempts}, nil
	case e != nil && now.Before(e.expires):
		return Claim{Key: key, Status: Busy, Attempt: e.attempts}, nil
	case e == nil:
		e = &memEntry{}
		s.entries[key] = e
	}
	// New, released or expired: take it.
	e.attempts++
	e.token = newToken()
	e.expires = now.Add(lease)
	return Claim{Key: key, Status: Acquired, Token: e.token, Attempt: e.attempts}, nil
}

// Complete implements Store.
func (s *MemoryStore) Complete(_ context.Context, c Claim) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entries[c.Key]
	if e == nil || e.done || c.Token == "" || e.token != c.Token {
		return ErrNotOwner
	}
	now := s.now()
	e.done, e.doneAt, e.token = true, now, ""
	e.elem = s.done.PushBack(c.Key)
	for s.done.Len() > s.maxDone {
		oldest := s.done.Remove(s.done.Front()).(Key)
		delete(s.entries, oldest)
		s.log.LogAttrs(context.Background(), slog.LevelWarn, "webhook: memory store full; forgot a processed event, so a replay of it would be processed again",
			slog.String("key", oldest.String()), slog.Int("max_done", s.maxDone))
	}
	return nil
}

// Release implements Store.
func (s *MemoryStore) Release(_ context.Context, c Claim, _ error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entries[c.Key]
	if e == nil || e.done || c.Token == "" || e.token != c.Token {
		return ErrNotOwner
	}
	// Forget it, so the store stays bounded by Done keys; the next delivery
	// claims it afresh.
	delete(s.entries, c.Key)
	return nil
}

// expireLocked forgets Done keys older than the retention.
func (s *MemoryStore) expireLocked(now time.Time) {
	for f := s.done.Front(); f != nil; f = s.done.Front() {
		k := f.Value.(Key)
		e := s.entries[k]
		if e != nil && now.Sub(e.doneAt) < s.retention {
			return
		}
		s.done.Remove(f)
		delete(s.entries, k)
	}
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
