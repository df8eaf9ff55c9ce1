// Package wait is the one context-aware pause of the module: the pipeline
// waits with it between attempts, the webhook engine while a duplicate waits
// for the first delivery, and the fakes between delivery attempts. It is its
// own package so that none of them imports another's for a timer.
package wait

import (
	"context"
	"time"
)

// For waits d or until ctx ends, returning ctx.Err() in that case (at once
// when ctx has already ended or d is not positive).
func For(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
