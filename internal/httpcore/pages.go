package httpcore

import (
	"context"
	"fmt"
	"iter"
	"net/url"
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

// CheckID refuses a resource id that cannot name one resource in a URL
// path, before a request is built with it: an empty id, or one that path
// escaping leaves as a dot segment ("." or ".."), which a proxy or server
// normalising the path would resolve to another resource. The ParamError
// names the id ("customer id").
func CheckID(provider, what, id string) error {
	field := what + " id"
	switch {
	case strings.TrimSpace(id) == "":
		return Invalid(provider, field, "%s id is empty", what)
	case isDotSegment(url.PathEscape(id)):
		return Invalid(provider, field, "%s id %q is a dot segment, which would name another path; give the id the provider returned", what, id)
	}
	return nil
}

// isDotSegment reports whether an escaped path segment is "." or "..",
// spelled plainly or percent-encoded (%2e), as RFC 3986 removes them.
func isDotSegment(seg string) bool {
	seg = strings.ReplaceAll(strings.ReplaceAll(seg, "%2e", "."), "%2E", ".")
	return seg == "." || seg == ".."
}

// checkPath is the pipeline's own guard behind CheckID: a request path with
// a dot segment is refused before sending, whatever method built it.
func checkPath(provider, path string) error {
	for _, seg := range strings.Split(path, "/") {
		if isDotSegment(seg) {
			return Invalid(provider, "id", "the request path %q has a dot segment (an id of \".\" or \"..\"), which would name another resource", path)
		}
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
