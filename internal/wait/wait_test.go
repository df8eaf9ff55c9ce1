package wait

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestForEndsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := For(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("For(cancelled, 1h) = %v, want context.Canceled", err)
	}
	if err := For(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("For(cancelled, 0) = %v, want context.Canceled", err)
	}
}

func TestForWaits(t *testing.T) {
	if err := For(context.Background(), time.Millisecond); err != nil {
		t.Fatalf("For(1ms) = %v, want nil", err)
	}
	if err := For(context.Background(), -time.Second); err != nil {
		t.Fatalf("For(negative) = %v, want nil", err)
	}
}
