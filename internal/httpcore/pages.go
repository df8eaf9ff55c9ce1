package httpcore

import (
	"context"
	"fmt"
	"iter"
	"strings"
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

// CheckID refuses an empty resource id before a request is built with it.
func CheckID(provider, what, id string) error {
	if strings.TrimSpace(id) == "" {
		return Invalid(provider, "", "%s id is empty", what)
	}
	return nil
}

// LooksLikeEmail is a cheap syntax check of an email address: one @, a
// non-empty local part, a dotted domain, no spaces or control characters.
// Providers validate mailboxes themselves; this catches mistakes early.
func LooksLikeEmail(v string) bool {
	at := strings.IndexByte(v, '@')
	if len(v) > 254 || at < 1 || at != strings.LastIndexByte(v, '@') {
		return false
	}
	domain := v[at+1:]
	if dot := strings.LastIndexByte(domain, '.'); dot < 1 || dot == len(domain)-1 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] <= ' ' || v[i] == 0x7f || v[i] == ',' || v[i] == ';' || v[i] == '<' || v[i] == '>' {
			return false
		}
	}
	return true
}
