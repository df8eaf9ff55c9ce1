package testutil

import (
	"crypto/rand"
	"crypto/rsa"
	"sync"
)

// rsaKey is generated once per test binary: RSA-2048 generation takes
// hundreds of milliseconds under -race, too slow to repeat in every test.
var rsaKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("testutil: generating the shared RSA key: " + err.Error())
	}
	return k
})

// RSAKey returns an RSA-2048 key shared by every test in the binary, for
// signing webhooks the way providers such as Conekta do.
func RSAKey() *rsa.PrivateKey { return rsaKey() }
