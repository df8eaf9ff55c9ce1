package conektasync

import (
	"fmt"
	"strconv"
)

// Format prints the number of keys and the user name, never the password,
// under every fmt verb, so that logging a configuration cannot leak it.
func (a Auth) Format(f fmt.State, _ rune) {
	password := `""`
	if a.Password != "" {
		password = `"[redacted]"`
	}
	_, _ = fmt.Fprintf(f, "conektasync.Auth{Keys: %d, Username: %s, Password: %s}", len(a.Keys), strconv.Quote(a.Username), password)
}
