package postgres

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"
)

// delayProxy forwards TCP connections to target, holding every chunk of
// data for delay in each direction: a database across a network, for
// benchmarks. It stops when the test ends.
func delayProxy(tb testing.TB, target string, delay time.Duration) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	var wg sync.WaitGroup
	tb.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			pipe := func(dst, src net.Conn) {
				defer dst.Close()
				buf := make([]byte, 64<<10)
				for {
					n, err := src.Read(buf)
					if n > 0 {
						time.Sleep(delay)
						if _, werr := dst.Write(buf[:n]); werr != nil {
							return
						}
					}
					if err != nil {
						if err != io.EOF {
							src.Close()
						}
						return
					}
				}
			}
			wg.Go(func() { pipe(s, c) })
			wg.Go(func() { pipe(c, s) })
		}
	})
	return ln.Addr().String()
}

// viaProxy rewrites url's host to go through a delayProxy.
func viaProxy(tb testing.TB, raw string, delay time.Duration) string {
	u, err := url.Parse(raw)
	if err != nil {
		tb.Fatal(err)
	}
	u.Host = delayProxy(tb, u.Host, delay)
	return u.String()
}
