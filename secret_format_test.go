package pagos

import (
	"fmt"
	"strings"
	"testing"
)

// Every fmt verb, flag and width, on the Secret alone, inside a struct and
// behind a pointer, prints the placeholder and never the value.
func TestSecretUnderEveryVerb(t *testing.T) {
	t.Parallel()
	const value = "whesec_SUPER_SECRET_value"
	type holder struct {
		ID     string
		Secret Secret
		Ptr    *Secret
	}
	s := Secret(value)
	h := holder{ID: "x", Secret: s, Ptr: &s}
	verbs := []string{"%s", "%v", "%+v", "%#v", "%d", "%x", "%X", "%q", "%o", "%b", "%c", "%U", "%e", "%f", "%g", "%t",
		"%T", "%10s", "%-20v", "%.3s", "% x", "%#x", "%08d", "%!", "%z"}
	// %p of a non-pointer and %w outside fmt.Errorf are not here: fmt
	// prints their argument without consulting any method, and go vet
	// reports both as mistakes.
	for _, verb := range verbs {
		for name, arg := range map[string]any{"secret": s, "struct": h, "pointer": &h, "slice": []Secret{s}, "map": map[string]Secret{"k": s}} {
			got := fmt.Sprintf(verb, arg)
			for _, leak := range []string{"SUPER_SECRET", fmt.Sprintf("%x", value)[:16], "77686573"} {
				if strings.Contains(strings.ToLower(got), strings.ToLower(leak)) {
					t.Errorf("%s of a %s leaked: %s", verb, name, got)
				}
			}
		}
	}
	if got := fmt.Sprintf("%#v", s); got != `"[redacted]"` {
		t.Errorf("%%#v = %s", got)
	}
	if got := fmt.Sprintf("%q|%s|%d", s, Secret(""), s); got != `"[redacted]"||[redacted]` {
		t.Errorf("got %s", got)
	}
}
