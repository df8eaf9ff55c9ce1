package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/webhook"
	"github.com/pagos-go/pagos/webhook/conektasync"
)

// approver approves every lookup for the range the baseline answers.
type approver struct{}

func (approver) Lookup(context.Context, *conekta.Event, *conekta.InboundPayment) (conekta.InboundAnswer, error) {
	return conekta.ApproveLookup(5000, 1000000), nil
}
func (approver) PaymentAttempt(context.Context, *conekta.Event, *conekta.InboundPayment) (conekta.InboundAnswer, error) {
	return conekta.ApprovePayment(), nil
}
func (approver) Reverse(context.Context, *conekta.Event, *conekta.InboundPayment) error { return nil }

func main() {
	bodies := flag.String("bodies", "conekta-lookups.tsv", "file to write the signed requests to")
	n := flag.Int("n", 1000, "how many distinct signed requests to write")
	flag.Parse()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		log.Fatal(err)
	}
	if err := writeBodies(*bodies, *n, key); err != nil {
		log.Fatal(err)
	}
	// A memory of one answer: every request of the run takes the full path,
	// as distinct event ids do in production.
	sdk, err := conektasync.NewHandler(conektasync.Auth{Keys: []*rsa.PublicKey{&key.PublicKey}}, approver{}, conektasync.WithRemember(1))
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sdkAddr := serve(ctx, sdk)
	baseAddr := serve(ctx, testutil.ConektaBaseline(&key.PublicKey))
	fmt.Printf("ready sdk=%s baseline=%s\n", sdkAddr, baseAddr)
	<-ctx.Done()
}

func writeBodies(path string, n int, key *rsa.PrivateKey) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for i := range n {
		body := testutil.ConektaLookup(fmt.Sprintf("5b438f82583eb80d%08x", i))
		digest, err := webhook.SignConekta(body, key)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s\t%s\n", digest, body)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// serve starts an HTTP server on a free loopback port and returns its address.
func serve(ctx context.Context, h http.Handler) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	return l.Addr().String()
}
