package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/pagos-go/pagos/webhook"
)

// ShortLease is the lease the expiry checks use.
const ShortLease = 300 * time.Millisecond

// Run runs the contract checks. newStore returns an empty store for each
// subtest (or one shared store: every subtest uses keys of its own).
func Run(t *testing.T, newStore func(t *testing.T) webhook.Store) {
	t.Helper()
	key := func(t *testing.T, event string) webhook.Key {
		return webhook.Key{Namespace: "ns-" + t.Name(), Provider: "toku", Event: event}
	}
	ctx := context.Background()

	t.Run("FirstClaimAcquiresSecondIsBusy", func(t *testing.T) {
		s := newStore(t)
		k := key(t, "evt_1")
		c1 := mustClaim(t, s, k, time.Minute)
		if c1.Status != webhook.Acquired || c1.Token == "" || c1.Attempt != 1 || c1.Key != k {
			t.Fatalf("first claim = %+v, want Acquired with a token, attempt 1", c1)
		}
		if c2 := mustClaim(t, s, k, time.Minute); c2.Status != webhook.Busy || c2.Token != "" {
			t.Fatalf("second claim = %+v, want Busy without a token", c2)
		}
	})

	t.Run("CompleteMakesItDone", func(t *testing.T) {
		s := newStore(t)
		k := key(t, "evt_1")
		c := mustClaim(t, s, k, time.Minute)
		if err := s.Complete(ctx, c); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if d := mustClaim(t, s, k, time.Minute); d.Status != webhook.Done {
				t.Fatalf("claim after Complete = %+v, want Done", d)
			}
		}
		if err := s.Complete(ctx, c); !errors.Is(err, webhook.ErrNotOwner) {
			t.Fatalf("second Complete err = %v, want ErrNotOwner", err)
		}
		if err := s.Release(ctx, c, errors.New("late")); !errors.Is(err, webhook.ErrNotOwner) {
			t.Fatalf("Release after Complete err = %v, want ErrNotOwner", err)
		}
	})

	t.Run("ReleaseLetsTheNextDeliveryRunIt", func(t *testing.T) {
		s := newStore(t)
		k := key(t, "evt_1")
		c := mustClaim(t, s, k, time.Minute)
		if err := s.Release(ctx, c, errors.New("user code failed")); err != nil {
			t.Fatal(err)
		}
		c2 := mustClaim(t, s, k, time.Minute)
		if c2.Status != webhook.Acquired || c2.Token == c.Token {
			t.Fatalf("claim after Release = %+v, want Acquired with a new token", c2)
		}
		if err := s.Complete(ctx, c2); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("OnlyTheOwnerCompletesOrReleases", func(t *testing.T) {
		s := newStore(t)
		k := key(t, "evt_1")
		c := mustClaim(t, s, k, time.Minute)
		forged := c
		forged.Token = "not-the-token"
		if err := s.Complete(ctx, forged); !errors.Is(err, webhook.ErrNotOwner) {
			t.Fatalf("Complete with a wrong token err = %v, want ErrNotOwner", err)
		}
		if err := s.Release(ctx, forged, nil); !errors.Is(err, webhook.ErrNotOwner) {
			t.Fatalf("Release with a wrong token err = %v, want ErrNotOwner", err)
		}
		if b := mustClaim(t, s, k, time.Minute); b.Status != webhook.Busy {
			t.Fatalf("a refused Complete changed the claim: %+v", b)
		}
		unknown := webhook.Claim{Key: key(t, "never-claimed"), Status: webhook.Acquired, Token: c.Token}
		if err := s.Complete(ctx, unknown); !errors.Is(err, webhook.ErrNotOwner) {
			t.Fatalf("Complete of an unclaimed key err = %v, want ErrNotOwner", err)
		}
	})

	t.Run("ExpiredLeaseIsTakenAndOldOwnerLosesIt", func(t *testing.T) {
		s := newStore(t)
		k := key(t, "evt_1")
		old := mustClaim(t, s, k, ShortLease)
		// The lease is timed by the store (a database's now(), say), so
		// real time must pass.
		select {
		case <-time.After(ShortLease + 200*time.Millisecond):
		case <-t.Context().Done():
			t.Fatal(t.Context().Err())
		}
		next := mustClaim(t, s, k, time.Minute)
		if next.Status != webhook.Acquired || next.Token == old.Token || next.Attempt < 2 {
			t.Fatalf("claim after the lease ran out = %+v, want Acquired, new token, attempt >= 2", next)
		}
		if err := s.Complete(ctx, old); !errors.Is(err, webhook.ErrNotOwner) {
			t.Fatalf("the expired owner's Complete err = %v, want ErrNotOwner", err)
		}
		if err := s.Release(ctx, old, errors.New("late failure")); !errors.Is(err, webhook.ErrNotOwner) {
			t.Fatalf("the expired owner's Release err = %v, want ErrNotOwner", err)
		}
		if err := s.Complete(ctx, next); err != nil {
			t.Fatal(err)
		}
		if d := mustClaim(t, s, k, time.Minute); d.Status != webhook.Done {
			t.Fatalf("claim = %+v, want Done", d)
		}
	})

	t.Run("UnexpiredOwnerStillCompletes", func(t *testing.T) {
		s := newStore(t)
		k := key(t, "evt_1")
		c := mustClaim(t, s, k, time.Minute)
		if err := s.Complete(ctx, c); err != nil {
			t.Fatalf("owner within its lease could not complete: %v", err)
		}
	})

	t.Run("KeysAreIndependent", func(t *testing.T) {
		s := newStore(t)
		base := key(t, "evt_1")
		others := []webhook.Key{
			{Namespace: base.Namespace + "-other", Provider: base.Provider, Event: base.Event},
			{Namespace: base.Namespace, Provider: "conekta", Event: base.Event},
			{Namespace: base.Namespace, Provider: base.Provider, Event: "evt_2"},
		}
		c := mustClaim(t, s, base, time.Minute)
		if err := s.Complete(ctx, c); err != nil {
			t.Fatal(err)
		}
		for _, o := range others {
			if got := mustClaim(t, s, o, time.Minute); got.Status != webhook.Acquired {
				t.Fatalf("claim of %v = %+v; a Done key of another namespace, provider or event leaked", o, got)
			}
		}
	})

	// Verifiers accept any event id a provider signs, NUL bytes and invalid
	// UTF-8 included (a JSON "\u0000", a Toku id signed as sent); a store
	// that refused them would answer such an authentic event 503 forever.
	// Keys that an escaping store might confuse stay distinct.
	t.Run("EveryVerifiableKeyIsKept", func(t *testing.T) {
		s := newStore(t)
		events := []string{
			"evt\x00", "evt\x00\x00", "evt", `evt\x00`, `evt\\x00`, "evt\xff", `evt\xff`, `evt\xFF`,
			"evt\xc3", "evt\xc3\xa9", "evt\u00c3", `evt\`, `evt\\`, "\x00", "", "\xed\xa0\x80",
		}
		keys := make([]webhook.Key, 0, len(events)+1)
		for _, ev := range events {
			keys = append(keys, key(t, ev))
		}
		keys = append(keys, webhook.Key{Namespace: "ns\x00\xfe-" + t.Name(), Provider: "toku", Event: "evt"})
		for _, k := range keys {
			c := mustClaim(t, s, k, time.Minute)
			if c.Status != webhook.Acquired || c.Key != k {
				t.Fatalf("first claim of %q = %+v; want Acquired (another key shares its storage?)", k.String(), c)
			}
			if err := s.Complete(ctx, c); err != nil {
				t.Fatalf("Complete %q: %v", k.String(), err)
			}
		}
		for _, k := range keys {
			if d := mustClaim(t, s, k, time.Minute); d.Status != webhook.Done || d.Key != k {
				t.Fatalf("claim of %q after Complete = %+v, want Done", k.String(), d)
			}
		}
	})

	// StateReader is optional; a store that has it must answer as Claim
	// would judge the key, without taking it.
	t.Run("StateReadsWithoutClaiming", func(t *testing.T) {
		s := newStore(t)
		r, ok := s.(webhook.StateReader)
		if !ok {
			t.Skip("the store does not implement webhook.StateReader")
		}
		state := func(k webhook.Key, want webhook.ClaimStatus, when string) {
			t.Helper()
			got, err := r.State(ctx, k)
			if err != nil {
				t.Fatalf("State %s: %v", when, err)
			}
			if got != want {
				t.Fatalf("State %s = %v, want %v", when, got, want)
			}
		}
		k := key(t, "evt_1")
		state(k, webhook.Unclaimed, "of a key never seen")
		state(k, webhook.Unclaimed, "read twice") // a read takes nothing
		c := mustClaim(t, s, k, time.Minute)
		if c.Status != webhook.Acquired || c.Attempt != 1 {
			t.Fatalf("claim after State = %+v, want Acquired, attempt 1", c)
		}
		state(k, webhook.Busy, "under a live claim")
		if err := s.Release(ctx, c, errors.New("user code failed")); err != nil {
			t.Fatal(err)
		}
		state(k, webhook.Unclaimed, "after Release")
		c = mustClaim(t, s, k, time.Minute)
		if err := s.Complete(ctx, c); err != nil {
			t.Fatal(err)
		}
		state(k, webhook.Done, "after Complete")
		state(key(t, "evt_2"), webhook.Unclaimed, "of another key")

		lapsed := key(t, "evt_3")
		mustClaim(t, s, lapsed, ShortLease)
		state(lapsed, webhook.Busy, "within a short lease")
		select {
		case <-time.After(ShortLease + 200*time.Millisecond):
		case <-t.Context().Done():
			t.Fatal(t.Context().Err())
		}
		state(lapsed, webhook.Unclaimed, "after the lease ran out")
	})

	t.Run("ConcurrentClaimsAcquireOnce", func(t *testing.T) {
		s := newStore(t)
		k := key(t, "evt_1")
		const n = 16
		var wg sync.WaitGroup
		results := make([]webhook.Claim, n)
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = s.Claim(ctx, k, time.Minute)
			}()
		}
		wg.Wait()
		acquired := 0
		for i := range n {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			switch results[i].Status {
			case webhook.Acquired:
				acquired++
			case webhook.Busy:
			default:
				t.Fatalf("concurrent claim %d = %+v", i, results[i])
			}
		}
		if acquired != 1 {
			t.Fatalf("%d concurrent claims acquired the same event, want exactly 1", acquired)
		}
	})
}

func mustClaim(t *testing.T, s webhook.Store, k webhook.Key, lease time.Duration) webhook.Claim {
	t.Helper()
	c, err := s.Claim(context.Background(), k, lease)
	if err != nil {
		t.Fatalf("Claim(%v): %v", k, err)
	}
	if c.Status != webhook.Acquired && c.Status != webhook.Done && c.Status != webhook.Busy {
		t.Fatalf("Claim(%v) status %v", k, c.Status)
	}
	return c
}
