package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/tpaga"
)

// ReplaySummary is what one replay run did. Every listed event is counted
// once, in AlreadyDone, InProgress, Replayed or Failed.
type ReplaySummary struct {
	// Provider is "toku", "conekta" or "tpaga"; Namespace the handler's.
	Provider, Namespace string
	// Listed counts the events the provider's API listed in the window.
	Listed int
	// AlreadyDone counts events processed before, by a live delivery or an
	// earlier replay: user code did not run for them.
	AlreadyDone int
	// InProgress counts events a live delivery (or another replica's
	// replay) was processing: left to it, and to the next run if it fails.
	InProgress int
	// Replayed counts events user code processed now, successfully.
	Replayed int
	// Failed lists the events user code or the store failed on; they stay
	// unprocessed, and the next run (or a redelivery) tries them again.
	Failed []ReplayFailure
	// StoreReads counts the StateReader reads and claims made.
	StoreReads int
}

// ReplayFailure is one event a replay could not process.
type ReplayFailure struct {
	Event string // the event's dedupe key, as Key.Event
	Err   error
}

// Error describes the failure.
func (f ReplayFailure) Error() string { return f.Event + ": " + f.Err.Error() }

// ConektaReplayParams selects the Conekta events ReplayConekta replays.
type ConektaReplayParams struct {
	// Since and Until bound the events' created_at: Since inclusive, Until
	// exclusive; a zero Until means now. Since is required.
	Since, Until time.Time
	// Types limits the replay to these event types. Empty means every type
	// but the synchronous inbound_payment.* requests, which go to the
	// conektasync responder, not to this handler.
	Types []conekta.EventType
	// PageSize is the events list's page size; 0 means conekta.MaxLimit.
	PageSize int
}

// TokuReplayParams selects the Toku payments ReplayToku replays.
type TokuReplayParams struct {
	// From and To are the days to check, inclusive, as your system counts
	// them. As toku.PaymentsService.Reconcile does, one more day is queried
	// on each side, since Toku's day boundary is not documented.
	From, To toku.Date
	// PageSize for the payments list; 0 means toku.DefaultPaymentPageSize.
	PageSize int
}

// ReplayToku finds the successful Toku payments of a window that the
// handler h (from NewTokuHandler) never processed, and runs each through
// h's own user function, exactly once, as the transaction.success event
// Toku would have delivered.
//
// It lists GET /organization/payments over From-1..To+1; only once the
// listing is complete does it process anything, so a listing that fails
// midway returns its error with nothing run. For each payment not yet
// processed it fetches the invoices the payment names, under the payment's
// claim (a failed fetch is reported in Failed and left for the next run),
// and rebuilds the event from the API: Type
// transaction.success, Raw the listed transaction under the event's keys,
// Confirmed true with ConfirmedTransaction and ConfirmedInvoices set (it
// came from the API, so Authenticated() is true), Replayed true, and ID
// the transaction id, since Toku's API gives no event ids.
//
// The dedupe key is the payment's ("transaction.success/" and the
// transaction id). A live transaction.success delivery holds the same key
// besides its event id whenever its payment is authenticated (a body
// signature, or WithTokuConfirmation), so a live delivery and a replay of
// one payment never both run user code. A delivery whose payload is not
// authenticated cannot be matched to its payment: handle money only when
// Event.Authenticated() is true, or give the handler WithTokuConfirmation.
// Other event types (payment_intent.succeeded, invoice.updated…) are not
// replayed; record payments idempotently by invoice or transaction id if
// user code acts on several of them.
func ReplayToku(ctx context.Context, h http.Handler, c *toku.Client, p TokuReplayParams) (*ReplaySummary, error) {
	e, ok := h.(*engine)
	if !ok || e.tokuEvent == nil {
		return nil, errors.New("webhook: ReplayToku: the handler was not made by NewTokuHandler")
	}
	if c == nil {
		return nil, errors.New("webhook: ReplayToku: the client is nil")
	}
	if p.From.IsZero() || p.To.IsZero() || p.To.Before(p.From) {
		return nil, errors.New("webhook: ReplayToku: From and To are required, with From <= To")
	}
	list := &toku.PaymentListParams{StartDate: p.From.AddDays(-1), EndDate: p.To.AddDays(1), Status: toku.TransactionSuccess, PageSize: p.PageSize}
	var (
		ds     []*delivery
		failed []ReplayFailure
	)
	seen := map[string]bool{}
	for t, err := range c.Payments.All(ctx, list) {
		if err != nil {
			return nil, fmt.Errorf("webhook: ReplayToku: listing payments: %w", err)
		}
		if t.ID == "" {
			failed = append(failed, ReplayFailure{Event: "(no transaction id)", Err: errors.New("a listed payment carries no transaction id, so it cannot be matched with an event")})
			continue
		}
		if seen[t.ID] { // the overlap can list a payment on two pages
			continue
		}
		seen[t.ID] = true
		ev, err := tokuReplayEvent(t)
		if err != nil {
			failed = append(failed, ReplayFailure{Event: t.ID, Err: err})
			continue
		}
		d := e.tokuEvent(ev)
		userRun := d.run
		// The invoices are fetched for the payments being replayed only,
		// under their claim: a failed fetch releases the payment, and the
		// next run tries it again.
		d.run = func(ctx context.Context) error {
			for _, pi := range t.PaymentIntents {
				if pi == nil || pi.Invoice == "" {
					continue
				}
				inv, err := c.Invoices.Get(ctx, pi.Invoice)
				if err != nil {
					return fmt.Errorf("fetching invoice %s: %w", pi.Invoice, err)
				}
				ev.ConfirmedInvoices = append(ev.ConfirmedInvoices, inv)
			}
			return userRun(ctx)
		}
		ds = append(ds, d)
	}
	return e.replay(ctx, ds, failed), nil
}

// tokuReplayEvent rebuilds the transaction.success event of a listed
// transaction: the item's keys (nested under "transaction" when it is flat)
// beside the event's id and event_type.
func tokuReplayEvent(t *toku.Transaction) (*toku.Event, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(t.Raw, &top); err != nil || top == nil {
		return nil, fmt.Errorf("the listed payment is not a JSON object: %v", err)
	}
	if _, nested := top["transaction"]; !nested {
		top = map[string]json.RawMessage{"transaction": t.Raw}
	}
	id, _ := json.Marshal(t.ID)
	typ, _ := json.Marshal(toku.EventTransactionSuccess)
	top["id"], top["event_type"] = id, typ
	raw, err := json.Marshal(top)
	if err != nil {
		return nil, err
	}
	return &toku.Event{ID: t.ID, Type: toku.EventTransactionSuccess, Raw: raw, Confirmed: true, ConfirmedTransaction: t, Replayed: true}, nil
}

// ReplayConekta finds the Conekta events of a window that the handler h
// (from NewConektaHandler) never processed, and runs them through h's own
// user function, exactly once: deliveries Conekta gave up on, or that
// arrived while the receiver was down.
//
// It lists GET /events page by page (Conekta's published API has no date
// filter for it, so the whole list is walked and filtered by created_at),
// and only once the listing is complete does it process anything: a listing
// that fails midway returns its error with nothing run, and the next run
// starts over. Each event's dedupe key is the one the live handler uses
// (the event id); events the store has Done are skipped, and the others go
// through the same claim, user code, complete or release as a live
// delivery, so a live redelivery racing the replay runs user code once.
// Events from the API are authentic by construction.
//
// The summary is logged through h's logger (info, or warn when some
// failed) and returned; user code failures are in it, not in the error.
func ReplayConekta(ctx context.Context, h http.Handler, c *conekta.Client, p ConektaReplayParams) (*ReplaySummary, error) {
	e, ok := h.(*engine)
	if !ok || e.conektaEvent == nil {
		return nil, errors.New("webhook: ReplayConekta: the handler was not made by NewConektaHandler")
	}
	if c == nil {
		return nil, errors.New("webhook: ReplayConekta: the client is nil")
	}
	if p.Since.IsZero() || (!p.Until.IsZero() && !p.Since.Before(p.Until)) {
		return nil, errors.New("webhook: ReplayConekta: Since is required and must be before Until")
	}
	until := p.Until
	if until.IsZero() {
		until = time.Now()
	}
	size := p.PageSize
	if size == 0 {
		size = conekta.MaxLimit
	}
	want := func(t conekta.EventType) bool {
		if len(p.Types) == 0 {
			return !t.IsInboundPayment()
		}
		for _, w := range p.Types {
			if w == t {
				return true
			}
		}
		return false
	}
	var ds []*delivery
	seen := map[string]bool{}
	for ev, err := range c.Events.All(ctx, &conekta.ListParams{Limit: size}) {
		if err != nil {
			return nil, fmt.Errorf("webhook: ReplayConekta: listing events: %w", err)
		}
		at := ev.CreatedAt.Time
		if at.Before(p.Since) || !at.Before(until) || !want(ev.Type) || seen[ev.ID] {
			continue
		}
		seen[ev.ID] = true
		ds = append(ds, e.conektaEvent(ev))
	}
	return e.replay(ctx, ds, nil), nil
}

// ReplayTpaga finds the deposits to references that the handler h (from
// NewTpagaHandler) never processed, and runs them through h's own user
// function, exactly once. Tpaga lists no deposits by date: give the
// references you created (from your own records, say those still awaiting
// a deposit, and your permanent references in their prefixed form), and
// ReplayTpaga reads each one's details (GET /reference-details/).
//
// Each deposit intent becomes the notification Tpaga would have sent, with
// the reference, amount and efecty_order_id the API gives and no
// idempotency token (the details do not carry it); its dedupe key is the
// live handler's (efecty_order_id with reference). A deposit intent
// without an efecty_order_id cannot be keyed and is reported as failed.
// As with ReplayConekta, nothing runs until every reference was read, and
// processing follows the live claim contract.
func ReplayTpaga(ctx context.Context, h http.Handler, c *tpaga.Client, references []string) (*ReplaySummary, error) {
	e, ok := h.(*engine)
	if !ok || e.tpagaDeposit == nil {
		return nil, errors.New("webhook: ReplayTpaga: the handler was not made by NewTpagaHandler")
	}
	if c == nil {
		return nil, errors.New("webhook: ReplayTpaga: the client is nil")
	}
	var (
		ds     []*delivery
		failed []ReplayFailure
	)
	seen := map[string]bool{}
	for _, ref := range references {
		if seen[ref] {
			continue
		}
		seen[ref] = true
		det, err := c.ReferenceDetails.Get(ctx, ref)
		if err != nil {
			return nil, fmt.Errorf("webhook: ReplayTpaga: reading reference %q: %w", ref, err)
		}
		for _, di := range det.DepositIntents {
			if di == nil || di.EfectyOrderID == "" {
				failed = append(failed, ReplayFailure{Event: ref, Err: errors.New("a deposit intent carries no efecty_order_id, so it cannot be matched with a notification")})
				continue
			}
			ds = append(ds, e.tpagaDeposit(tpaga.NewNotification(ref, di.Amount, di.EfectyOrderID, "")))
		}
	}
	return e.replay(ctx, ds, failed), nil
}

// replay runs listed deliveries through the live path and logs the summary.
func (e *engine) replay(ctx context.Context, ds []*delivery, failed []ReplayFailure) *ReplaySummary {
	s := &ReplaySummary{Provider: e.provider, Namespace: e.namespace, Listed: len(ds) + len(failed), Failed: failed}
	reader, _ := e.store.(StateReader)
	for _, d := range ds {
		if reader != nil {
			// A read first: processed events, the usual case, cost no write.
			sctx, cancel := e.storeCtx(ctx)
			st, err := reader.State(sctx, e.key(d))
			cancel()
			s.StoreReads++
			switch {
			case err != nil:
				s.Failed = append(s.Failed, ReplayFailure{Event: d.key, Err: fmt.Errorf("reading the dedupe store: %w", err)})
				continue
			case st == Done:
				s.AlreadyDone++
				continue
			}
		}
		s.StoreReads++
		out, err := e.settle(ctx, d)
		switch out {
		case outSucceeded:
			s.Replayed++
		case outDone:
			s.AlreadyDone++
		case outBusy:
			s.InProgress++
		case outStoreFailed:
			s.Failed = append(s.Failed, ReplayFailure{Event: d.key, Err: fmt.Errorf("claiming in the dedupe store: %w", err)})
		default:
			s.Failed = append(s.Failed, ReplayFailure{Event: d.key, Err: err})
		}
	}
	level := slog.LevelInfo
	if len(s.Failed) > 0 {
		level = slog.LevelWarn
	}
	e.logger().LogAttrs(ctx, level, "webhook: replay done", slog.String("provider", s.Provider), slog.String("namespace", s.Namespace),
		slog.Int("listed", s.Listed), slog.Int("already_done", s.AlreadyDone), slog.Int("in_progress", s.InProgress),
		slog.Int("replayed", s.Replayed), slog.Int("failed", len(s.Failed)))
	return s
}
