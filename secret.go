package pagos

import (
	"fmt"
	"log/slog"
	"strconv"
)

// Secret is a credential, such as a webhook signing secret or an API
// secret. It prints under every fmt verb (%s, %v, %+v, %#v, %d, %x, %q, ...),
// logs (slog) and JSON-encodes as "[redacted]", so it cannot leak by
// accident; convert it with string(s) where the value is needed.
type Secret string

// secretPlaceholder is what a non-empty Secret prints as.
const secretPlaceholder = "[redacted]"

// String returns "[redacted]", or "" for an empty Secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return secretPlaceholder
}

// Format prints the placeholder whatever the verb and flags: without it,
// a verb String does not serve (%d, %x, %X, %o, %b, %c, %U, %e, %t, %p)
// prints the value, as %!d(pagos.Secret=whesec_…). %q quotes the
// placeholder and %#v prints it as a Go string literal. (fmt bypasses every
// method for %p of a non-pointer and %w outside fmt.Errorf; go vet reports
// both.) A struct must keep a Secret in an exported field, or print itself,
// since fmt reads unexported fields without their methods.
func (s Secret) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'q', verb == 'v' && f.Flag('#'):
		_, _ = f.Write([]byte(s.GoString()))
	default:
		_, _ = f.Write([]byte(s.String()))
	}
}

// GoString returns the quoted placeholder, so %#v cannot print the value.
func (s Secret) GoString() string { return strconv.Quote(s.String()) }

// LogValue keeps the value out of slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalJSON writes the placeholder, never the value.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(s.String())), nil }
