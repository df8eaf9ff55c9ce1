package check

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/pagos-go/pagos"
)

// Invalid returns a *pagos.ParamError naming the provider, the field and
// what to fix.
func Invalid(provider, field, format string, args ...any) error {
	return &pagos.ParamError{Provider: provider, Field: field, Reason: fmt.Sprintf(format, args...)}
}

// ID refuses a resource id that cannot name one resource in a URL path,
// before a request is built with it: an empty id, or one that path escaping
// leaves as a dot segment ("." or ".."), which a proxy or server normalising
// the path would resolve to another resource. The ParamError names the id
// ("customer id").
func ID(provider, what, id string) error {
	field := what + " id"
	switch {
	case strings.TrimSpace(id) == "":
		return Invalid(provider, field, "%s id is empty", what)
	case IsDotSegment(url.PathEscape(id)):
		return Invalid(provider, field, "%s id %q is a dot segment, which would name another path; give the id the provider returned", what, id)
	}
	return nil
}

// IsDotSegment reports whether an escaped path segment is "." or "..",
// spelled plainly or percent-encoded (%2e), as RFC 3986 removes them.
func IsDotSegment(seg string) bool {
	seg = strings.ReplaceAll(strings.ReplaceAll(seg, "%2e", "."), "%2E", ".")
	return seg == "." || seg == ".."
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

// Credential refuses a credential that cannot be a working header value:
// empty, or with whitespace, control characters or non-ASCII bytes anywhere
// (a key copied with a trailing newline or a stray space fails on every call
// otherwise). The message names the problem and never the value.
func Credential(what, v string) error {
	if v == "" {
		return fmt.Errorf("the %s is empty", what)
	}
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == ' ' || c == '\t':
			return fmt.Errorf("the %s has whitespace at byte %d", what, i)
		case c < ' ' || c == 0x7f:
			return fmt.Errorf("the %s has a control character at byte %d (a newline or NUL?)", what, i)
		case c >= 0x80:
			return fmt.Errorf("the %s has a non-ASCII byte at byte %d", what, i)
		}
	}
	return nil
}
