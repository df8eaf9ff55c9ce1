//go:build unix

package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockState takes an exclusive lock on FILE.lock for the whole run, so two
// pagos fake processes never overwrite each other's objects in one state
// file. The kernel drops the lock when the process dies, even by kill -9.
func lockState(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("-state %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("-state %s: another pagos fake is using this file; stop it, or give this one another -state file", path)
		}
		return nil, fmt.Errorf("-state %s: locking it: %w", path, err)
	}
	return func() { f.Close() }, nil
}
