package main

import "context"

func (c *cli) fake(ctx context.Context, args []string) error { return nil }
