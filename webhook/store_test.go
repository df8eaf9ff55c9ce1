package webhook_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/webhook"
	"github.com/pagos-go/pagos/webhook/storetest"
)

func TestMemoryStoreContract(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) webhook.Store { return webhook.NewMemoryStore(webhook.MemoryStoreConfig{}) })
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestMemoryStoreForgetsDoneKeysAfterRetention(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Unix(1_700_000_000, 0)}
	s := webhook.NewMemoryStore(webhook.MemoryStoreConfig{Retention: time.Hour, Now: clk.Now})
	ctx := context.Background()
	k := webhook.Key{Namespace: "toku", Provider: "toku", Event: "evt_1"}
	c, _ := s.Claim(ctx, k, time.Minute)
	if err := s.Complete(ctx, c); err != nil {
		t.Fatal(err)
	}
	clk.Add(59 * time.Minute)
	if d, _ := s.Claim(ctx, k, time.Minute); d.Status != webhook.Done {
		t.Fatalf("within retention: %v, want Done", d.Status)
	}
	clk.Add(2 * time.Minute)
	if d, _ := s.Claim(ctx, k, time.Minute); d.Status != webhook.Acquired {
		t.Fatalf("after retention: %v, want Acquired", d.Status)
	}
}

func TestMemoryStoreIsBoundedAndLogsEvictions(t *testing.T) {
	t.Parallel()
	var logs testutil.LogBuffer
	s := webhook.NewMemoryStore(webhook.MemoryStoreConfig{MaxDone: 3, Logger: logs.Logger()})
	ctx := context.Background()
	for _, ev := range []string{"a", "b", "c", "d", "e"} {
		c, _ := s.Claim(ctx, webhook.Key{Provider: "tpaga", Event: ev}, time.Minute)
		if err := s.Complete(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if s.Len() != 3 {
		t.Fatalf("store holds %d keys, want 3", s.Len())
	}
	if c, _ := s.Claim(ctx, webhook.Key{Provider: "tpaga", Event: "a"}, time.Minute); c.Status != webhook.Acquired {
		t.Fatalf("oldest key still remembered: %v", c.Status)
	}
	if c, _ := s.Claim(ctx, webhook.Key{Provider: "tpaga", Event: "e"}, time.Minute); c.Status != webhook.Done {
		t.Fatalf("newest key forgotten: %v", c.Status)
	}
	if n := strings.Count(logs.String(), `"level":"WARN"`); n != 2 {
		t.Fatalf("%d eviction warnings, want 2: %s", n, logs.String())
	}
}

// MemoryStore reads a key's state without claiming it.
var _ webhook.StateReader = (*webhook.MemoryStore)(nil)
