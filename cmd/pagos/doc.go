// Command pagos is the local-development companion of the pagos SDK: it
// sends correctly signed test deliveries of Toku, Conekta, Fygaro and Tpaga
// events to your webhook receiver, explains why a captured delivery does or
// does not verify, and runs the SDK's fakes of the four providers as HTTP
// servers on loopback.
//
// Install it with:
//
//	go install github.com/pagos-go/pagos/cmd/pagos@latest
//
// Usage:
//
//	pagos trigger PROVIDER EVENT -to URL [flags]   send one signed delivery
//	pagos trigger -list                            every event type per provider
//	pagos verify PROVIDER [flags] [FILE]           check a captured HTTP/1.1 request
//	pagos fake [flags]                             the four fakes as local servers
//	pagos fake -state FILE                         the same, keeping their objects across restarts
//	pagos fake CONTROL [args]                      act on a running fake (pay, advance the clock)
//	pagos help [COMMAND]
//
// Every command takes -h. Exit status: 0 success, 1 a check failed (a
// refused delivery, a verification failure), 2 bad usage. Secrets and keys
// come from flags or the environment and never appear in the output.
//
// It signs with the webhook package's Sign* helpers, checks with its
// Verify* functions, and serves the fakes of toku/tokutest,
// conekta/conektatest, fygaro/fygarotest and tpaga/tpagatest: there is no
// second implementation of any provider.
package main
