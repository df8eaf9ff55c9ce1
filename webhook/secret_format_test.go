package webhook

import (
	"fmt"
	"strings"
	"testing"
)

func TestSecretHoldersNeverPrintTheirSecrets(t *testing.T) {
	t.Parallel()
	keys := FygaroKeys{"key-1": "SUPER_SECRET_one"}
	for _, verb := range []string{"%s", "%v", "%+v", "%#v", "%d", "%x", "%q"} {
		for _, arg := range []any{keys, &keys, []FygaroKeys{keys}, struct{ K FygaroKeys }{keys}} {
			got := fmt.Sprintf(verb, arg)
			if strings.Contains(got, "SUPER_SECRET") || strings.Contains(got, fmt.Sprintf("%x", "SUPER_SECRET")) {
				t.Errorf("%s leaked: %s", verb, got)
			}
		}
	}
	if got := fmt.Sprint(keys); !strings.Contains(got, "key-1") || !strings.Contains(got, "[redacted]") {
		t.Errorf("got %s, want the key id and the placeholder", got)
	}
}
