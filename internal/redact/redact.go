package redact

import (
	"log/slog"
	"strconv"
)

// Secret is a credential, such as a webhook signing secret or an API
// secret. It prints (%v, %+v, %#v), logs (slog) and JSON-encodes as a
// redacted placeholder; convert it with string(s) where the value is needed.
type Secret string

// Placeholder is what a non-empty Secret prints as.
const Placeholder = "[redacted]"

// String returns Placeholder, or "" for an empty Secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return Placeholder
}

// GoString returns the quoted placeholder, so %#v cannot print the value.
func (s Secret) GoString() string { return strconv.Quote(s.String()) }

// LogValue keeps the value out of slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalJSON writes the placeholder, never the value.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(s.String())), nil }
