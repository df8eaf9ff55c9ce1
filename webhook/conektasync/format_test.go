package conektasync

import (
	"fmt"
	"strings"
	"testing"
)

func TestAuthNeverPrintsThePassword(t *testing.T) {
	t.Parallel()
	auth := Auth{Username: "conekta", Password: "SUPER_SECRET_two"}
	for _, verb := range []string{"%s", "%v", "%+v", "%#v", "%d", "%x", "%q"} {
		for _, arg := range []any{auth, &auth, []Auth{auth}, struct{ A Auth }{auth}} {
			got := fmt.Sprintf(verb, arg)
			if strings.Contains(got, "SUPER_SECRET") || strings.Contains(got, fmt.Sprintf("%x", "SUPER_SECRET")) {
				t.Errorf("%s leaked: %s", verb, got)
			}
		}
	}
	if got := fmt.Sprint(auth); !strings.Contains(got, "conekta") || !strings.Contains(got, "[redacted]") {
		t.Errorf("got %s, want the user name and the placeholder", got)
	}
}
