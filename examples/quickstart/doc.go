// Command quickstart runs every pagos provider flow end to end. With no
// environment variables it runs against the embedded fakes (no keys, no
// network beyond loopback); with a provider's keys set, that provider's API
// steps run against its real sandbox. See README.md.
//
//	go run ./examples/quickstart
package main
