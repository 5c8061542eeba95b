package bench

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go"
)

// The idle workload holds Concurrency client connections open at once, each
// idle between one signed HeadBucket when it opens and one more at the end
// of the window, which shows whether the server kept it. It measures what
// idle keep-alive clients cost a server (with --server-pid, its memory),
// not a request rate: an operation is one connection opened, its latency
// the dial (and TLS handshake) plus the first HeadBucket.

// idleDialers bounds the connections being opened at once, so that the
// server's accept queue is not what fails.
const idleDialers = 64

// fileMargin is the descriptors the benchmark needs besides the held
// connections (its client's pool, the runtime's).
const fileMargin = 256

// codeClosed counts connections the server closed, or stopped answering
// on, during the window.
const codeClosed = "closed"

// emptySHA256 is the SHA-256 of an empty payload, which SigV4 signs for a
// request without a body.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// idleConn is one held connection.
type idleConn struct {
	net.Conn
	r *bufio.Reader
}

// measureIdle opens the connections, holds them for the window and checks
// them once more at its end.
func (b *bench) measureIdle(ctx context.Context, sampler *rssSampler) (*Report, error) {
	cfg := b.cfg
	if err := ensureOpenFiles(uint64(cfg.Concurrency) + fileMargin); err != nil {
		return nil, fmt.Errorf("%w: %d idle connections: %w", ErrConfig, cfg.Concurrency, err)
	}
	if sampler != nil {
		sampler.reset()
	}
	start := time.Now()
	var stats [numOps]opStats
	var mu sync.Mutex
	conns := make([]*idleConn, 0, cfg.Concurrency)
	b.status(fmt.Sprintf("opening %d connections", cfg.Concurrency))
	forEach(cfg.Concurrency, func(int) {
		t0 := time.Now()
		c, err := b.openIdle(ctx)
		took := time.Since(t0)
		mu.Lock()
		defer mu.Unlock()
		s := &stats[opIdle]
		if err != nil {
			if ctx.Err() == nil {
				s.addError(errorCode(err), err)
			}
			return
		}
		s.hist.record(took)
		s.ops++
		conns = append(conns, c)
	})
	b.status(fmt.Sprintf("holding %d idle connections", len(conns)))
	select {
	case <-time.After(time.Until(start.Add(cfg.Duration))):
	case <-ctx.Done():
	}
	b.status("checking the connections are still open")
	forEach(len(conns), func(i int) {
		c := conns[i]
		defer c.Close()
		if ctx.Err() != nil {
			return
		}
		if err := b.headBucket(ctx, c); err != nil {
			mu.Lock()
			stats[opIdle].addError(codeClosed, err)
			mu.Unlock()
		}
	})
	b.status("")
	r := b.report(&stats, time.Since(start))
	if sampler != nil {
		r.ServerMemory = sampler.result()
	}
	return r, nil
}

// forEach runs f(0) ... f(n-1), idleDialers at a time.
func forEach(n int, f func(int)) {
	sem := make(chan struct{}, idleDialers)
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			f(i)
		})
	}
	wg.Wait()
}

// openIdle dials the endpoint (with TLS for https) and sends the first
// HeadBucket.
func (b *bench) openIdle(ctx context.Context) (*idleConn, error) {
	u, err := url.Parse(b.cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), map[string]string{"http": "80", "https": "443"}[u.Scheme])
	}
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(dctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	if u.Scheme == "https" {
		tc := tls.Client(conn, &tls.Config{ServerName: u.Hostname(), InsecureSkipVerify: b.cfg.Insecure,
			RootCAs: b.cfg.RootCAs, NextProtos: []string{"http/1.1"}})
		if err := tc.HandshakeContext(dctx); err != nil {
			conn.Close()
			return nil, err
		}
		conn = tc
	}
	c := &idleConn{Conn: conn, r: bufio.NewReaderSize(conn, 4<<10)}
	if err := b.headBucket(dctx, c); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// headBucket sends one signed HeadBucket on c and reads the answer, which
// must be 200; the connection stays open for the next request.
func (b *bench) headBucket(ctx context.Context, c *idleConn) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, b.cfg.Endpoint+"/"+b.bucket, nil)
	if err != nil {
		return err
	}
	req.Header.Set("X-Amz-Content-Sha256", emptySHA256)
	creds := aws.Credentials{AccessKeyID: b.cfg.AccessKey, SecretAccessKey: b.cfg.SecretKey}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, emptySHA256, "s3", b.cfg.Region, time.Now()); err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	} else {
		_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	}
	defer c.SetDeadline(time.Time{})
	if err := req.Write(c); err != nil {
		return err
	}
	resp, err := http.ReadResponse(c.r, req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return &statusError{code: resp.StatusCode}
	}
	if resp.Close {
		return errors.New("bench: the server closes the connection after HeadBucket")
	}
	return nil
}

// statusError is a HeadBucket answered with another status than 200; HEAD
// responses carry no S3 error code, so the status names it.
type statusError struct{ code int }

func (e *statusError) Error() string     { return fmt.Sprintf("HeadBucket answered %d", e.code) }
func (e *statusError) ErrorCode() string { return fmt.Sprintf("HTTP%d", e.code) }

func (e *statusError) ErrorMessage() string          { return e.Error() }
func (e *statusError) ErrorFault() smithy.ErrorFault { return smithy.FaultUnknown }
