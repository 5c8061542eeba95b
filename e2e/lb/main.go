// Command lb is a round-robin HTTP load balancer for the end-to-end tests:
// it sends each request to the next of its backends, with the request line,
// Host and headers unchanged (so that SigV4 and SigV2 signatures still
// verify) and bodies streamed both ways, so that the e2e scripts can drive
// several coffer nodes as one endpoint (E2E_NODES in e2e/lib.sh).
//
//	lb -listen 127.0.0.1:0 -addr-file FILE 127.0.0.1:9001 127.0.0.1:9002 …
//
// It writes the address it listens on to -addr-file once it accepts
// connections, and on SIGTERM or SIGINT prints how many requests each
// backend got. It is a test tool: no health checks, no retries (a request
// whose backend fails is answered 502).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on")
	addrFile := flag.String("addr-file", "", "write the address listened on to this file once ready")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: lb [-listen ADDR] [-addr-file FILE] BACKEND...\n"+
			"a BACKEND is host:port or http://host:port\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := run(*listen, *addrFile, flag.Args()); err != nil {
		fmt.Fprintf(os.Stderr, "lb: %v\n", err)
		os.Exit(1)
	}
}

func run(listen, addrFile string, backends []string) error {
	b, err := New(backends)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	if addrFile != "" {
		// Written to a temporary name and renamed, so that a reader never
		// sees half an address.
		tmp := addrFile + ".tmp"
		if err := os.WriteFile(tmp, []byte(l.Addr().String()+"\n"), 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmp, addrFile); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "lb: listening on %s, backends %s\n", l.Addr(), strings.Join(backends, " "))
	srv := &http.Server{Handler: b, ReadHeaderTimeout: 30 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	select {
	case err := <-done:
		return err
	case s := <-sig:
		fmt.Fprintf(os.Stderr, "lb: %v: requests per backend: %s\n", s, b.Counts())
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		return nil
	}
}
