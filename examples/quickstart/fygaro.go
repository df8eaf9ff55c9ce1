package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/pagos-go/pagos/fygaro"
	"github.com/pagos-go/pagos/fygaro/fygarotest"
	"github.com/pagos-go/pagos/webhook"
)

// fygaroFlow: a dynamic link for an order → the fake checkout pays it → the
// hook handler verifies the hook, checks it against the order and records it
// once. With FYGARO_BUTTON_URL, FYGARO_API_KEY and FYGARO_API_SECRET set it
// prints a real dynamic link instead.
func fygaroFlow(ctx context.Context, p *printer, env func(string) string) error {
	buttonURL, key, secret := env("FYGARO_BUTTON_URL"), env("FYGARO_API_KEY"), env("FYGARO_API_SECRET")
	if buttonURL != "" || key != "" || secret != "" {
		return fygaroLive(p, buttonURL, key, secret, env("FYGARO_CURRENCY"))
	}
	fake := fygarotest.NewServer(nil)
	defer fake.Close()
	p.step("started the Fygaro fake checkout at %s (set FYGARO_BUTTON_URL, FYGARO_API_KEY and FYGARO_API_SECRET for a real link)", fake.URL)

	// The order the link is for, as the shop records it.
	orderID, total, currency := "order-1001", fygaro.AmountFromCents(2500), "USD"

	hooks, err := startHookServer()
	if err != nil {
		return err
	}
	defer hooks.Close()
	var mu sync.Mutex
	recorded := map[string]int{} // transaction reference → times recorded
	received := make(chan *fygaro.Claims, 1)
	h, err := webhook.NewFygaroHandler(fake.HookKeys(), func(ctx context.Context, hook *fygaro.Hook) error {
		c, err := hook.Claims()
		if err != nil {
			return err // 500: Fygaro retries
		}
		if c.CustomReference != orderID || !c.Amount.Equal(total) || c.Currency != currency {
			return fmt.Errorf("hook for %s %s %s does not match order %s", c.CustomReference, c.Amount, c.Currency, orderID)
		}
		mu.Lock()
		recorded[hook.Reference]++ // a real handler marks the order paid durably here
		mu.Unlock()
		received <- c
		return nil
	})
	if err != nil {
		return err
	}
	hooks.mount(h)
	fake.SetHookURL(hooks.URL + "/webhooks/fygaro")
	p.step("set the button's hook URL to %s/webhooks/fygaro (hook credential %s)", hooks.URL, fake.HookKeyID)

	btn := fake.Button()
	link, err := btn.Link(&fygaro.LinkParams{
		Amount: total, Currency: currency, CustomReference: orderID, ExpiresAt: time.Now().Add(time.Hour),
		Client: fygaro.ClientData{Name: "Ana Pérez", Email: "ana@example.com"},
	})
	if err != nil {
		return fmt.Errorf("build the link: %w", err)
	}
	p.step("built a dynamic link for %s (%s %s, valid 1 h): %s", orderID, total, currency, shorten(link))

	pay, err := fake.Pay(ctx, link, nil)
	if err != nil {
		return fmt.Errorf("pay the link: %w", err)
	}
	p.step("the customer paid at the checkout (transaction %s)", pay.Reference)
	c, err := await(ctx, received, "the Fygaro hook")
	if err != nil {
		return err
	}
	if c.Reference != pay.Reference || pay.Delivery == nil || pay.Delivery.StatusCode != 200 {
		return fmt.Errorf("handler got transaction %s, want %s (delivery %+v)", c.Reference, pay.Reference, pay.Delivery)
	}
	p.step("webhook handler verified the Fygaro hook: %s paid %s %s, reference %s (delivered in %d attempt)",
		c.CustomReference, c.Amount, c.Currency, c.Reference, pay.Delivery.Attempts)

	again, err := fake.Resend(ctx, pay.Reference)
	if err != nil {
		return fmt.Errorf("resend the hook: %w", err)
	}
	mu.Lock()
	times := recorded[pay.Reference]
	mu.Unlock()
	if again.StatusCode != 200 || times != 1 {
		return fmt.Errorf("the duplicate hook was answered %d and recorded %d times; want 200 and once", again.StatusCode, times)
	}
	p.step("Fygaro sent the hook again: answered %d, not recorded twice", again.StatusCode)
	return nil
}

// fygaroLive builds a real dynamic link for 1.00 in the button's currency
// (FYGARO_CURRENCY, default USD). Paying it needs a person, and the hook a
// public HTTPS URL, so those run against the fake only.
func fygaroLive(p *printer, buttonURL, key, secret, currency string) error {
	if buttonURL == "" || key == "" || secret == "" {
		return errors.New("set all three of FYGARO_BUTTON_URL, FYGARO_API_KEY and FYGARO_API_SECRET, or none to use the fake")
	}
	if currency == "" {
		currency = "USD"
	}
	btn, err := fygaro.NewButton(buttonURL, key, secret)
	if err != nil {
		return err
	}
	p.step("using the real Fygaro button %s", btn.ButtonURL)
	ref := "pagos-quickstart-" + time.Now().UTC().Format("20060102-150405")
	link, err := btn.Link(&fygaro.LinkParams{Amount: fygaro.AmountFromCents(100), Currency: currency, CustomReference: ref,
		ExpiresAt: time.Now().Add(time.Hour)})
	if err != nil {
		return fmt.Errorf("build the link: %w", err)
	}
	p.step("built a dynamic link for 1.00 %s, reference %s, valid 1 h; open it to pay:", currency, ref)
	p.note("%s", link)
	p.note("receiving the hook needs a public HTTPS URL in the button's advanced options; it runs against the fake only")
	return nil
}

// shorten keeps a link's readable part: the button URL and the token's start.
func shorten(link string) string {
	if i := strings.Index(link, "?jwt="); i >= 0 && len(link) > i+17 {
		return link[:i+17] + "…"
	}
	return link
}
