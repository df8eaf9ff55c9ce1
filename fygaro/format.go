package fygaro

import "fmt"

// Format prints a Button as String does, under every verb and for a Button
// value as well as a pointer: fmt would otherwise print a value's fields,
// and it reads the unexported secret without its redacting methods.
func (b Button) Format(f fmt.State, verb rune) {
	_, _ = f.Write([]byte(b.String()))
}
