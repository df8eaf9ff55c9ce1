package webhook

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Format prints the keyring's key ids with every secret redacted, under
// every fmt verb, so that logging a configuration cannot leak a hook secret.
func (k FygaroKeys) Format(f fmt.State, _ rune) {
	var b strings.Builder
	b.WriteString("webhook.FygaroKeys{")
	for i, id := range slices.Sorted(maps.Keys(k)) {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(id) + ": " + redactedPlaceholder(k[id]))
	}
	b.WriteString("}")
	_, _ = f.Write([]byte(b.String()))
}

func redactedPlaceholder(secret string) string {
	if secret == "" {
		return `""`
	}
	return `"[redacted]"`
}
