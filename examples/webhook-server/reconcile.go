package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/tpaga"
	"github.com/pagos-go/pagos/webhook"
)

// reconciler replays one provider's missed deliveries over a lookback.
type reconciler struct {
	provider string
	replay   func(ctx context.Context, now time.Time, lookback time.Duration) (*webhook.ReplaySummary, error)
}

// apiSetting reads a provider's API credential and its optional base URL
// (for a sandbox or a fake), named as the quickstart names them.
func apiSetting(env lookupEnv, name, urlName string) (value, baseURL string, ok bool, err error) {
	value, ok, err = setting(env, name)
	if err != nil || !ok {
		return "", "", false, err
	}
	baseURL, _, err = setting(env, urlName)
	return value, baseURL, true, err
}

// reconcilers builds one reconciler for each live route whose provider's
// API credentials are configured; the log says which providers are left
// out and why.
func reconcilers(routes []route, env lookupEnv, log *slog.Logger) ([]reconciler, error) {
	var out []reconciler
	for _, rt := range routes {
		if rt.handler == nil {
			continue
		}
		h := rt.handler
		switch rt.provider {
		case "toku":
			key, base, ok, err := apiSetting(env, "TOKU_API_KEY", "TOKU_BASE_URL")
			if err != nil || !ok {
				log.Info("reconcile off", "provider", "toku", "reason", "TOKU_API_KEY is not set")
				if err != nil {
					return nil, err
				}
				continue
			}
			var opts []toku.Option
			if base != "" {
				opts = append(opts, toku.WithBaseURL(base))
			}
			c, err := toku.NewClient(key, opts...)
			if err != nil {
				return nil, fmt.Errorf("TOKU_API_KEY: %w", err)
			}
			out = append(out, reconciler{"toku", func(ctx context.Context, now time.Time, lookback time.Duration) (*webhook.ReplaySummary, error) {
				return webhook.ReplayToku(ctx, h, c, webhook.TokuReplayParams{From: toku.DateOf(now.Add(-lookback).UTC()), To: toku.DateOf(now.UTC())})
			}})
		case "conekta":
			key, base, ok, err := apiSetting(env, "CONEKTA_API_KEY", "CONEKTA_BASE_URL")
			if err != nil || !ok {
				log.Info("reconcile off", "provider", "conekta", "reason", "CONEKTA_API_KEY is not set")
				if err != nil {
					return nil, err
				}
				continue
			}
			var opts []conekta.Option
			if base != "" {
				opts = append(opts, conekta.WithBaseURL(base))
			}
			c, err := conekta.NewClient(key, opts...)
			if err != nil {
				return nil, fmt.Errorf("CONEKTA_API_KEY: %w", err)
			}
			out = append(out, reconciler{"conekta", func(ctx context.Context, now time.Time, lookback time.Duration) (*webhook.ReplaySummary, error) {
				return webhook.ReplayConekta(ctx, h, c, webhook.ConektaReplayParams{Since: now.Add(-lookback), Until: now})
			}})
		case "tpaga":
			token, base, ok, err := apiSetting(env, "TPAGA_TOKEN", "TPAGA_BASE_URL")
			if err != nil || !ok {
				log.Info("reconcile off", "provider", "tpaga", "reason", "TPAGA_TOKEN is not set")
				if err != nil {
					return nil, err
				}
				continue
			}
			refs, _, err := setting(env, "TPAGA_RECONCILE_REFERENCES")
			if err != nil {
				return nil, err
			}
			var opts []tpaga.Option
			if base != "" {
				opts = append(opts, tpaga.WithBaseURL(base))
			}
			c, err := tpaga.NewClient(token, opts...)
			if err != nil {
				return nil, fmt.Errorf("TPAGA_TOKEN: %w", err)
			}
			// Tpaga lists no deposits by date: a real server asks its own
			// records for the references still awaiting a deposit.
			list := strings.FieldsFunc(refs, func(r rune) bool { return r == ',' || r == ' ' })
			out = append(out, reconciler{"tpaga", func(ctx context.Context, _ time.Time, _ time.Duration) (*webhook.ReplaySummary, error) {
				return webhook.ReplayTpaga(ctx, h, c, list)
			}})
		}
	}
	return out, nil
}

// reconcileLoop runs every reconciler now and then every interval until
// ctx ends, each over the last max(interval+1h, 24h). The summaries are
// logged by the webhook package; a failure to list is logged here and
// retried at the next round, never fatal.
func reconcileLoop(ctx context.Context, rs []reconciler, every time.Duration, log *slog.Logger) {
	lookback := max(every+time.Hour, 24*time.Hour)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		for _, r := range rs {
			if _, err := r.replay(ctx, time.Now(), lookback); err != nil {
				if ctx.Err() != nil {
					return
				}
				log.Error("reconcile failed; retrying next round", "provider", r.provider, "error", err.Error(), "next_in", every.String())
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
