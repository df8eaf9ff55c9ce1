package pgstore

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzEscapeText: event ids come from the network. Their stored form must
// be valid UTF-8 without NUL (what a text column holds), and two ids never
// share one.
func FuzzEscapeText(f *testing.F) {
	for _, s := range [][2]string{{"evt\x00", `evt\x00`}, {"\xff", `\xff`}, {`a\`, `a\\`}, {"é", "\xc3\xa9"}, {"evt_1", "evt_2"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		ea, eb := escapeText(a), escapeText(b)
		for _, e := range []string{ea, eb} {
			if !utf8.ValidString(e) || strings.IndexByte(e, 0) >= 0 {
				t.Fatalf("stored form %q cannot go in a text column", e)
			}
		}
		if (a == b) != (ea == eb) {
			t.Fatalf("%q and %q stored as %q and %q", a, b, ea, eb)
		}
	})
}

// A key without NUL, backslash or invalid UTF-8 is stored as it is.
func TestEscapeTextKeepsPlainKeys(t *testing.T) {
	for _, s := range []string{"", "evt_1", "5b439072583eb80d50b46534", "12:575657589293/999777555", "ñandú €"} {
		if got := escapeText(s); got != s {
			t.Errorf("escapeText(%q) = %q", s, got)
		}
	}
}
