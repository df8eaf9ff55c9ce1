package conektatest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/internal/fake"
	"github.com/pagos-go/pagos/webhook"
)

// Delivery records one event sent to one webhook.
type Delivery struct {
	EventID    string
	EventType  conekta.EventType
	WebhookID  string
	URL        string
	Attempts   int   // 1 when the first attempt got a 2xx
	StatusCode int   // status of the last attempt; 0 when it got no response
	Err        error // nil when a 2xx arrived within the attempts
}

// emitLocked builds an event about object and keeps it; the caller sends
// it with dispatch once the lock is released.
func (s *Server) emitLocked(typ conekta.EventType, object any) json.RawMessage {
	id := s.newID("evt_")
	raw, err := json.Marshal(map[string]any{"id": id, "object": "event", "type": typ, "livemode": false, "created_at": s.now().Unix(),
		"webhook_status": "pending", "webhook_logs": []any{}, "data": map[string]any{"object": s.render(object), "previous_attributes": map[string]any{}}})
	if err != nil {
		panic("conektatest: " + err.Error())
	}
	s.events[id] = raw
	s.eventIDs = append(s.eventIDs, id)
	return raw
}

func eventOf(raw json.RawMessage) *conekta.Event {
	ev, err := conekta.ParseEvent(raw)
	if err != nil {
		panic("conektatest: " + err.Error())
	}
	return ev
}

// dispatch sends events to every active webhook subscribed to them, in the
// background, as Conekta sends them after answering. Each webhook gets the
// events of one call in order.
func (s *Server) dispatch(events ...json.RawMessage) {
	if len(events) == 0 {
		return
	}
	parsed := make([]*conekta.Event, len(events))
	for i, raw := range events {
		parsed[i] = eventOf(raw)
	}
	s.mu.Lock()
	var targets []conekta.Webhook
	for _, id := range s.webhookIDs {
		if wh := s.webhooks[id]; wh.Active {
			targets = append(targets, *wh)
		}
	}
	if paid, heard := paymentHeard(targets, parsed); paid != nil && !heard {
		fake.Warn(s.tb, "conektatest: %s %s: a payment completed, but no active webhook is subscribed to it: no handler heard of it (see Server.Subscribe)", paid.Type, paid.ID)
	}
	if len(targets) > 0 && s.inflight == 0 {
		s.idle = make(chan struct{})
	}
	s.inflight += len(targets)
	for _, wh := range targets {
		// One outbox per webhook, drained by one goroutine: a webhook gets
		// its events in the order they happened, so tests are deterministic.
		ob := s.outboxes[wh.ID]
		if ob == nil {
			ob = &outbox{}
			s.outboxes[wh.ID] = ob
		}
		ob.batches = append(ob.batches, batch{wh: wh, parsed: parsed, raw: events})
		if !ob.draining {
			ob.draining = true
			go s.drain(ob)
		}
	}
	s.mu.Unlock()
}

// paymentHeard finds the first payment event (charge.paid, order.paid) of
// one change, and whether a target is subscribed to any of them.
func paymentHeard(targets []conekta.Webhook, events []*conekta.Event) (paid *conekta.Event, heard bool) {
	for _, ev := range events {
		if ev.Type != conekta.EventChargePaid && ev.Type != conekta.EventOrderPaid {
			continue
		}
		if paid == nil {
			paid = ev
		}
		for _, wh := range targets {
			if len(wh.SubscribedEvents) == 0 || slices.Contains(wh.SubscribedEvents, ev.Type) {
				heard = true
			}
		}
	}
	return paid, heard
}

// outbox queues the deliveries to one webhook.
type outbox struct {
	batches  []batch
	draining bool
}

// batch is the events of one change, for one webhook.
type batch struct {
	wh     conekta.Webhook
	parsed []*conekta.Event
	raw    []json.RawMessage
}

// drain delivers an outbox's batches in order until it is empty.
func (s *Server) drain(ob *outbox) {
	for {
		s.mu.Lock()
		if len(ob.batches) == 0 {
			ob.draining = false
			s.mu.Unlock()
			return
		}
		b := ob.batches[0]
		ob.batches = ob.batches[1:]
		s.mu.Unlock()
		for i, ev := range b.parsed {
			if len(b.wh.SubscribedEvents) == 0 || slices.Contains(b.wh.SubscribedEvents, ev.Type) {
				s.deliver(s.ctx, b.wh, ev, b.raw[i])
			}
		}
		s.doneDelivery()
	}
}

func (s *Server) doneDelivery() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inflight--; s.inflight == 0 {
		close(s.idle)
	}
}

// Settle waits until every webhook delivery started so far has ended: got a
// 2xx, or ran out of attempts.
func (s *Server) Settle(ctx context.Context) error {
	for {
		s.mu.Lock()
		n, idle := s.inflight, s.idle
		s.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-idle:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// deliver posts one event to one webhook, retrying with doubling waits.
func (s *Server) deliver(ctx context.Context, wh conekta.Webhook, ev *conekta.Event, raw []byte) Delivery {
	d := Delivery{EventID: ev.ID, EventType: ev.Type, WebhookID: wh.ID, URL: wh.URL}
	d.Attempts, d.StatusCode, d.Err = fake.Retry(ctx, s.maxAttempts, s.sleep, func() (int, error) { return s.post(ctx, wh.URL, raw) })
	log := &conekta.WebhookLog{ID: wh.ID, URL: wh.URL, FailedAttempts: d.Attempts, LastAttemptedAt: conekta.TimeOf(s.now()),
		LastHTTPResponseStatus: d.StatusCode, ResponseData: json.RawMessage("{}")}
	if d.Err == nil {
		log.FailedAttempts--
	}
	s.mu.Lock()
	s.deliveries = append(s.deliveries, d)
	s.logs[ev.ID] = append(s.logs[ev.ID], log)
	s.mu.Unlock()
	return d
}

// signedRequest builds a POST of raw carrying the Digest of the newest
// active key; basic adds the approval URL's Basic credentials.
func (s *Server) signedRequest(ctx context.Context, url string, raw []byte, basic *approvalURL) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if k := s.signingKey(); k != nil {
		digest, err := webhook.SignConekta(raw, k)
		if err != nil {
			return nil, err
		}
		req.Header.Set(webhook.ConektaDigestHeader, digest)
	}
	if basic != nil && basic.user != "" {
		req.SetBasicAuth(basic.user, basic.pass)
	}
	return req, nil
}

// post delivers a webhook.
func (s *Server) post(ctx context.Context, url string, raw []byte) (int, error) {
	req, err := s.signedRequest(ctx, url, raw, nil)
	if err != nil {
		return 0, err
	}
	return fake.Send(s.hc, req, fake.Any2xx)
}

// Deliveries returns every webhook delivery so far, oldest first. Call
// Settle first to include those in progress.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

// Resend sends an event again, freshly signed, to every active webhook
// subscribed to it, and waits for the deliveries: the duplicate a webhook
// handler must acknowledge without processing twice.
func (s *Server) Resend(ctx context.Context, eventID string) ([]Delivery, error) {
	s.mu.Lock()
	raw, ok := s.events[eventID]
	var targets []conekta.Webhook
	for _, id := range s.webhookIDs {
		if wh := s.webhooks[id]; ok && wh.Active {
			targets = append(targets, *wh)
		}
	}
	s.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("conektatest: no event %q", eventID)
	}
	var out []Delivery
	for _, wh := range targets {
		out = append(out, s.deliver(ctx, wh, eventOf(raw), raw))
	}
	return out, nil
}

// --- events API -------------------------------------------------------------

// eventJSONLocked is a kept event with its delivery record.
func (s *Server) eventJSONLocked(id string) json.RawMessage {
	logs := s.logs[id]
	if len(logs) == 0 {
		return s.events[id]
	}
	var m map[string]any
	_ = json.Unmarshal(s.events[id], &m)
	m["webhook_logs"] = logs
	m["webhook_status"] = "successful"
	for _, l := range logs {
		if l.LastHTTPResponseStatus < 200 || l.LastHTTPResponseStatus > 299 {
			m["webhook_status"] = "failing"
		}
	}
	b, _ := json.Marshal(m)
	return b
}

func (s *Server) getEvent(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("id")
	if _, ok := s.events[id]; !ok {
		s.answer(w, nil, notFound("event", id))
		return
	}
	s.answer(w, s.eventJSONLocked(id), nil)
}

func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out, err := s.page(r, s.eventIDs, func(id string) any { return s.eventJSONLocked(id) })
	s.answer(w, out, err)
}

func (s *Server) resendEvent(w http.ResponseWriter, r *http.Request) {
	var p struct {
		WebhooksIDs []string `json:"webhooks_ids"`
	}
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	if len(p.WebhooksIDs) == 0 {
		s.answer(w, nil, invalid("webhooks_ids", "The webhooks_ids are required."))
		return
	}
	s.mu.Lock()
	id := r.PathValue("id")
	raw, ok := s.events[id]
	var targets []conekta.Webhook
	var err error
	for _, wid := range p.WebhooksIDs {
		wh, found := s.webhooks[wid]
		if !found {
			err = notFound("webhook", wid)
			break
		}
		targets = append(targets, *wh)
	}
	if !ok {
		err = notFound("event", id)
	}
	s.mu.Unlock()
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	for _, wh := range targets {
		s.deliver(r.Context(), wh, eventOf(raw), raw)
	}
	s.mu.Lock()
	logs := s.logs[id]
	s.mu.Unlock()
	s.answer(w, logs[len(logs)-1], nil)
}

// --- webhooks ---------------------------------------------------------------

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) {
	var p conekta.WebhookParams
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	if u, err := http.NewRequest(http.MethodPost, p.URL, nil); p.URL == "" || err != nil || u.URL.Host == "" {
		s.answer(w, nil, invalid("url", "The url must be an absolute URL."))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	wh := &conekta.Webhook{ID: s.newID("webhook_"), Object: "webhook", URL: p.URL, Active: true, Status: "listening", SubscribedEvents: p.SubscribedEvents}
	s.webhooks[wh.ID] = wh
	s.webhookIDs = append(s.webhookIDs, wh.ID)
	s.answer(w, wh, nil)
}

func (s *Server) getWebhook(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	wh, err := find(s.webhooks, "webhook", r.PathValue("id"))
	s.answer(w, wh, err)
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out, err := s.page(r, s.webhookIDs, func(id string) any { return s.webhooks[id] })
	s.answer(w, out, err)
}

func (s *Server) updateWebhook(w http.ResponseWriter, r *http.Request) {
	var p conekta.WebhookUpdateParams
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	wh, err := find(s.webhooks, "webhook", r.PathValue("id"))
	if err == nil {
		if p.URL != "" {
			wh.URL = p.URL
		}
		if p.SubscribedEvents != nil {
			wh.SubscribedEvents = p.SubscribedEvents
		}
		if p.Active != nil {
			wh.Active = *p.Active
			wh.Status = map[bool]string{true: "listening", false: "disabled"}[wh.Active]
		}
	}
	s.answer(w, wh, err)
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	wh, err := find(s.webhooks, "webhook", r.PathValue("id"))
	if err == nil {
		delete(s.webhooks, wh.ID)
		s.webhookIDs = remove(s.webhookIDs, wh.ID)
		wh.Deleted = true
	}
	s.answer(w, wh, err)
}

// testWebhook sends a webhook_ping to one webhook and waits for it.
func (s *Server) testWebhook(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	wh, err := find(s.webhooks, "webhook", r.PathValue("id"))
	var raw json.RawMessage
	var target conekta.Webhook
	if err == nil {
		target = *wh
		raw = s.emitLocked(conekta.EventWebhookPing, map[string]any{"object": "webhook_ping"})
	}
	s.mu.Unlock()
	if err == nil {
		s.deliver(r.Context(), target, eventOf(raw), raw)
	}
	s.answer(w, &target, err)
}

// --- webhook keys -----------------------------------------------------------

func (s *Server) addKeyLocked(k *signingKey) error {
	pemText, err := conekta.MarshalPublicKey(&k.private.PublicKey)
	if err != nil {
		return err
	}
	k.WebhookKey = conekta.WebhookKey{ID: s.newID("whk_"), Object: "webhook_key", Active: true, PublicKey: pemText, CreatedAt: conekta.TimeOf(s.now())}
	s.keys[k.ID] = k
	s.keyIDs = append(s.keyIDs, k.ID)
	return nil
}

// signingKey returns the newest active key's private half, or nil when no
// key is active (deliveries then carry no Digest).
func (s *Server) signingKey() *rsa.PrivateKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.keyIDs) - 1; i >= 0; i-- {
		if k := s.keys[s.keyIDs[i]]; k.Active {
			return k.private
		}
	}
	return nil
}

// createKey makes a new RSA-2048 key, which signs deliveries from then on.
func (s *Server) createKey(w http.ResponseWriter, r *http.Request) {
	var p struct {
		Active *bool `json:"active"`
	}
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := &signingKey{private: priv}
	if err := s.addKeyLocked(k); err != nil {
		s.answer(w, nil, err)
		return
	}
	if p.Active != nil && !*p.Active {
		k.Active, k.DeactivatedAt = false, conekta.TimeOf(s.now())
	}
	s.answer(w, &k.WebhookKey, nil)
}

func (s *Server) getKey(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := find(s.keys, "webhook_key", r.PathValue("id"))
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	s.answer(w, &k.WebhookKey, nil)
}

func (s *Server) listKeys(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out, err := s.page(r, s.keyIDs, func(id string) any { return &s.keys[id].WebhookKey })
	s.answer(w, out, err)
}

func (s *Server) updateKey(w http.ResponseWriter, r *http.Request) {
	var p struct {
		Active *bool `json:"active"`
	}
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := find(s.keys, "webhook_key", r.PathValue("id"))
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	active := p.Active != nil && *p.Active // Conekta's default for an update is false
	if k.Active && !active {
		k.DeactivatedAt = conekta.TimeOf(s.now())
	}
	k.Active = active
	s.answer(w, &k.WebhookKey, nil)
}

func (s *Server) deleteKey(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := find(s.keys, "webhook_key", r.PathValue("id"))
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	delete(s.keys, k.ID)
	s.keyIDs = remove(s.keyIDs, k.ID)
	out := k.WebhookKey
	out.Deleted, out.PublicKey = true, ""
	s.answer(w, &out, nil)
}
