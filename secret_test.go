package pagos

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pagos-go/pagos/internal/testutil"
)

func TestSecretNeverPrints(t *testing.T) {
	t.Parallel()
	const value = "whesec_SUPER_SECRET_value"
	type holder struct {
		ID     string
		Secret Secret
	}
	h := holder{ID: "x", Secret: value}
	var logs testutil.LogBuffer
	logs.Logger().Info("holder", "secret", h.Secret, "h", h)
	js, _ := json.Marshal(h)
	for _, s := range []string{fmt.Sprint(h), fmt.Sprintf("%+v %#v %s %q", h, h, h.Secret, h.Secret), logs.String(), string(js)} {
		if strings.Contains(s, "SUPER_SECRET") {
			t.Fatalf("the value leaked: %s", s)
		}
	}
	if !strings.Contains(string(js), secretPlaceholder) || string(h.Secret) != value || Secret("").String() != "" {
		t.Fatalf("placeholder or conversion wrong: %s", js)
	}
}
