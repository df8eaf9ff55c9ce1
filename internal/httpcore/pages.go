package httpcore

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/pagos-go/pagos/internal/check"
)

// Pages walks a paginated list: fetch returns one page for a cursor ("" for
// the first) and the cursor of the next page ("" at the end). The cursor is
// always an opaque value pagos sends back, never a URL the server supplies.
// A cursor seen twice ends the walk with an error instead of looping.
func Pages[T any](ctx context.Context, fetch func(ctx context.Context, cursor string) ([]T, string, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		seen := map[string]bool{}
		cursor := ""
		for {
			items, next, err := fetch(ctx, cursor)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if next == "" {
				return
			}
			if seen[next] {
				yield(zero, fmt.Errorf("pagination stopped: the provider returned cursor %q twice", next))
				return
			}
			seen[next] = true
			cursor = next
		}
	}
}

// checkPath is the pipeline's own guard behind check.ID: a request path with
// a dot segment is refused before sending, whatever method built it.
func checkPath(provider, path string) error {
	for _, seg := range strings.Split(path, "/") {
		if check.IsDotSegment(seg) {
			return check.Invalid(provider, "id", "the request path %q has a dot segment (an id of \".\" or \"..\"), which would name another resource", path)
		}
	}
	return nil
}
