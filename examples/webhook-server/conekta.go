package main

import (
	"context"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/webhook"
	"github.com/pagos-go/pagos/webhook/conektasync"
)

// mountConekta serves Conekta's asynchronous events and, on a separate
// route, the synchronous approval requests of recurring cash payments
// (inbound_payment.*). Both verify the Digest header with the public keys in
// CONEKTA_WEBHOOK_PUBLIC_KEY: PEM text, or the path of a PEM file, holding
// one key or several while you rotate. CONEKTA_SYNC_FAILURE_CODE sets the
// code of forced declines; CONEKTA_SYNC_BOOK lists the references the demo
// responder approves.
func mountConekta(mux *http.ServeMux, env lookupEnv, log *slog.Logger, common webhook.HandlerOption) ([]route, error) {
	const events, sync = "POST /webhooks/conekta", "POST /webhooks/conekta/sync"
	raw, ok, err := setting(env, "CONEKTA_WEBHOOK_PUBLIC_KEY")
	if err != nil || !ok {
		why := "CONEKTA_WEBHOOK_PUBLIC_KEY is not set"
		return []route{{pattern: events, reason: why}, {pattern: sync, reason: why}}, err
	}
	keys, err := conektaKeys(raw)
	if err != nil {
		return nil, fmt.Errorf("CONEKTA_WEBHOOK_PUBLIC_KEY: %w", err)
	}

	async, err := webhook.NewConektaHandler(keys, func(ctx context.Context, e *conekta.Event) error {
		attrs := []any{"provider", "conekta", "event", e.ID, "type", string(e.Type)}
		switch {
		case strings.HasPrefix(string(e.Type), "charge."):
			if c, err := e.Charge(); err == nil {
				attrs = append(attrs, "charge", c.ID, "order", c.OrderID, "amount_centavos", c.Amount, "status", c.Status)
			}
		case strings.HasPrefix(string(e.Type), "order."):
			if o, err := e.Order(); err == nil {
				attrs = append(attrs, "order", o.ID, "amount_centavos", o.Amount, "payment_status", o.PaymentStatus)
			}
		}
		log.Info("event received", attrs...)
		return nil // a real server records the event durably before returning nil
	}, common)
	if err != nil {
		return nil, fmt.Errorf("CONEKTA_WEBHOOK_PUBLIC_KEY: %w", err)
	}

	b, err := parseBook(env)
	if err != nil {
		return nil, err
	}
	syncOpts := []conektasync.Option{conektasync.WithLogger(log)} // the approval handler takes no store: it answers every request
	if code, ok, err := setting(env, "CONEKTA_SYNC_FAILURE_CODE"); err != nil {
		return nil, err
	} else if ok {
		syncOpts = append(syncOpts, conektasync.WithFailureCode(conekta.FailureCode(code)))
	}
	approval, err := conektasync.NewHandler(conektasync.Auth{Keys: keys}, &demoResponder{book: b, log: log}, syncOpts...)
	if err != nil {
		return nil, fmt.Errorf("CONEKTA_SYNC_FAILURE_CODE: %w", err)
	}
	mux.Handle(events, async)
	mux.Handle(sync, approval)
	log.Info("conekta approval book", "references", len(b))
	return []route{{pattern: events, provider: "conekta", handler: async}, {pattern: sync}}, nil
}

// conektaKeys reads every public key of PEM text or of a PEM file.
func conektaKeys(raw string) ([]*rsa.PublicKey, error) {
	text := raw
	if !strings.Contains(raw, "-----BEGIN") {
		b, err := os.ReadFile(raw)
		if err != nil {
			return nil, fmt.Errorf("neither PEM text nor a readable PEM file: %w", err)
		}
		text = string(b)
	}
	var keys []*rsa.PublicKey
	rest := []byte(text)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		k, err := conekta.ParsePublicKey(string(pem.EncodeToMemory(block)))
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, errors.New("no PEM public key found; paste the public_key of a Conekta webhook key")
	}
	return keys, nil
}

// amountRange is what the demo book accepts for one reference, in centavos.
type amountRange struct{ min, max int64 }

// parseBook reads CONEKTA_SYNC_BOOK: "reference:min-max[,reference:min-max]",
// amounts in centavos, such as "93000000000001:5000-1000000".
func parseBook(env lookupEnv) (map[string]amountRange, error) {
	raw, ok, err := setting(env, "CONEKTA_SYNC_BOOK")
	if err != nil || !ok {
		return map[string]amountRange{}, err
	}
	b := map[string]amountRange{}
	for entry := range strings.SplitSeq(raw, ",") {
		ref, rng, ok1 := strings.Cut(strings.TrimSpace(entry), ":")
		lo, hi, ok2 := strings.Cut(rng, "-")
		minA, err1 := strconv.ParseInt(lo, 10, 64)
		maxA, err2 := strconv.ParseInt(hi, 10, 64)
		if !ok1 || !ok2 || ref == "" || err1 != nil || err2 != nil || minA <= 0 || maxA < minA {
			return nil, fmt.Errorf("CONEKTA_SYNC_BOOK entry %q: write reference:min-max in centavos, such as 93000000000001:5000-1000000", entry)
		}
		b[ref] = amountRange{minA, maxA}
	}
	return b, nil
}

// demoResponder approves payments for the references of its book, within
// their amount range. A real responder looks the reference up in your own
// records of what each customer owes.
type demoResponder struct {
	book map[string]amountRange
	log  *slog.Logger
}

func (d *demoResponder) answer(e *conekta.Event, p *conekta.InboundPayment, a conekta.InboundAnswer) (conekta.InboundAnswer, error) {
	d.log.Info("sync request answered", "provider", "conekta", "event", e.ID, "type", string(e.Type),
		"reference", p.Reference(), "amount_centavos", p.Amount, "payable", a.Payable, "failure_code", string(a.FailureCode))
	return a, nil
}

// Lookup implements conektasync.Responder.
func (d *demoResponder) Lookup(_ context.Context, e *conekta.Event, p *conekta.InboundPayment) (conekta.InboundAnswer, error) {
	r, ok := d.book[p.Reference()]
	if !ok {
		return d.answer(e, p, conekta.Decline(conekta.FailureReferenceNotFound))
	}
	return d.answer(e, p, conekta.ApproveLookup(r.min, r.max))
}

// PaymentAttempt implements conektasync.Responder.
func (d *demoResponder) PaymentAttempt(_ context.Context, e *conekta.Event, p *conekta.InboundPayment) (conekta.InboundAnswer, error) {
	r, ok := d.book[p.Reference()]
	switch {
	case !ok:
		return d.answer(e, p, conekta.Decline(conekta.FailureReferenceNotFound))
	case p.Amount < r.min || p.Amount > r.max:
		return d.answer(e, p, conekta.Decline(conekta.FailureAmountOutOfRange))
	}
	return d.answer(e, p, conekta.ApprovePayment())
}

// Reverse implements conektasync.Responder.
func (d *demoResponder) Reverse(_ context.Context, e *conekta.Event, p *conekta.InboundPayment) error {
	d.log.Info("sync request answered", "provider", "conekta", "event", e.ID, "type", string(e.Type),
		"reference", p.Reference(), "amount_centavos", p.Amount)
	return nil
}
