package fygaro

import (
	"fmt"
	"strings"
	"testing"
)

func TestButtonNeverPrintsItsSecret(t *testing.T) {
	t.Parallel()
	b, err := NewButton("https://www.fygaro.com/en/pb/4f1c2a7e-1111-4222-8333-944455556666/", "api-key-1", "SUPER_SECRET_VALUE")
	if err != nil {
		t.Fatal(err)
	}
	for _, verb := range []string{"%s", "%v", "%+v", "%#v", "%d", "%x", "%q", "%T"} {
		for _, arg := range []any{b, *b, []Button{*b}} {
			if got := fmt.Sprintf(verb, arg); strings.Contains(got, "SUPER_SECRET") || strings.Contains(got, fmt.Sprintf("%x", "SUPER_SECRET")) {
				t.Errorf("%s leaked: %s", verb, got)
			}
		}
	}
}
