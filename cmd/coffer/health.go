package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"
)

// defaultHealthURL is the readiness endpoint of a coffer with default flags.
const defaultHealthURL = "http://127.0.0.1:9000/health/ready"

// runHealth is `coffer health`: ask a running coffer whether it is ready,
// and say so in the exit status. Container images without curl (distroless,
// scratch) run it as their HEALTHCHECK.
func runHealth(ctx context.Context, env environment, args []string) int {
	fs := flag.NewFlagSet("coffer health", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	url := fs.String("url", defaultHealthURL, "`URL` to GET; 200 means healthy (with --tls-cert, point it at --health-address)")
	timeout := fs.Duration("timeout", 5*time.Second, "give up after this long")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: coffer health [--url URL] [--timeout D]\n\n"+
			"Exits 0 when the URL answers 200 OK, 1 otherwise.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.stderr, "coffer health: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		fmt.Fprintf(env.stderr, "coffer health: %v\n", err)
		return 2
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(env.stderr, "coffer health: %v\n", err)
		return 1
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(env.stderr, "coffer health: %s answered %s: %s\n", *url, resp.Status, body)
		return 1
	}
	fmt.Fprintf(env.stdout, "%s: %s\n", *url, resp.Status)
	return 0
}
