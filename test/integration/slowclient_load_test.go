package integration_test

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/coffer-s3/coffer/internal/coffertest"
	"github.com/coffer-s3/coffer/internal/config"
)

// Pacing limits and the attack of TestSlowClients_normalClientsKeepServing.
const (
	attackHeaderTimeout = 2 * time.Second
	attackBodyIdle      = time.Second
	attackLorises       = 32 // connections trickling headers
	attackBodies        = 32 // uploads that send 1 KiB and stall
	attackReaders       = 8  // GETs of 32 MiB that read nothing
	attackWorkers       = 8  // normal clients
	attackOps           = 12 // 4 KiB PUT+GET pairs per normal client
	// attackBound bounds a normal request, and how much later than its
	// configured timeout a slow client may be cut: generous, so that a
	// loaded machine does not fail the test, yet far below what an
	// unbounded slow client would hold.
	attackBound = 10 * time.Second
)

// TestSlowClients_normalClientsKeepServing attaches slow-loris clients
// (headers trickled a byte at a time), uploads that stall after 1 KiB and
// readers that never read a 32 MiB GET, each reconnecting as soon as the
// server cuts it, and meanwhile runs normal 4 KiB PUT/GET pairs with the
// SDK. Every normal request must succeed, with the right bytes, within
// attackBound; every slow client must be cut by its configured timeout
// (--read-header-timeout for headers, --body-idle-timeout for bodies and
// responses), no earlier and at most attackBound later. The latencies of
// the normal requests, alone and under the attack, are logged (-v).
func TestSlowClients_normalClientsKeepServing(t *testing.T) {
	if testing.Short() {
		t.Skip("attaches slow clients for several seconds")
	}
	// Every cut response logs a warning by design; errors still show.
	quiet := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError}))
	e := newEnv(t, coffertest.WithLogger(quiet), coffertest.WithConfig(func(c *config.Config) {
		c.ReadHeaderTimeout = attackHeaderTimeout
		c.BodyIdleTimeout = attackBodyIdle
	}))
	e.put(t, "big", bytes.Repeat([]byte("coffer! "), 4<<20)) // 32 MiB
	baseline := e.normalLoad(t, "baseline")

	a := &attack{e: e, stop: make(chan struct{})}
	var wg sync.WaitGroup
	for i := range attackLorises {
		wg.Go(func() { a.loris(i) })
	}
	for i := range attackBodies {
		wg.Go(func() { a.stalledBody(t, i) })
	}
	wg.Go(func() { a.stalledReaders(t) })
	waitUntil(t, func() bool {
		return metricValue(t, e.srv.Registry, "coffer_connections", "") >= attackLorises+attackBodies
	}, "the slow clients to connect")
	loaded := e.normalLoad(t, "under attack")
	// Each slow client finishes the connection it holds (the server must
	// cut it) and does not reconnect.
	close(a.stop)
	wg.Wait()

	a.check(t)
	t.Logf("normal 4 KiB PUT+GET pairs alone: %s", summarize(baseline))
	t.Logf("the same under %d header tricklers, %d stalled uploads and %d stalled readers: %s",
		attackLorises, attackBodies, attackReaders, summarize(loaded))
	t.Logf("slow clients cut: %d header tricklers (%s), %d stalled uploads (%s), %d waves of %d stalled readers (%s)",
		len(a.lorisCuts), summarize(a.lorisCuts), len(a.bodyCuts), summarize(a.bodyCuts),
		len(a.readerWaves), attackReaders, summarize(a.readerWaves))
}

// normalLoad runs attackWorkers clients, each doing attackOps 4 KiB PUTs,
// each followed by a GET that must return the same bytes, and returns the
// latency of every pair.
func (e *env) normalLoad(t *testing.T, label string) []time.Duration {
	var (
		mu   sync.Mutex
		lats []time.Duration
		wg   sync.WaitGroup
	)
	for w := range attackWorkers {
		wg.Go(func() {
			for i := range attackOps {
				key := fmt.Sprintf("normal/%s/%d/%d", strings.ReplaceAll(label, " ", "-"), w, i)
				body := make([]byte, 4<<10)
				_, _ = rand.Read(body)
				start := time.Now()
				err := e.putGet(t, key, body)
				took := time.Since(start)
				if err != nil {
					t.Errorf("%s: %s: %v", label, key, err)
					continue
				}
				if took > attackBound {
					t.Errorf("%s: %s: PUT+GET took %s, want under %s", label, key, took, attackBound)
				}
				mu.Lock()
				lats = append(lats, took)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return lats
}

func (e *env) putGet(t *testing.T, key string, body []byte) error {
	_, err := e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key), Body: bytes.NewReader(body)})
	if err != nil {
		return fmt.Errorf("PutObject: %w", err)
	}
	out, err := e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key)})
	if err != nil {
		return fmt.Errorf("GetObject: %w", err)
	}
	defer out.Body.Close()
	got, err := io.ReadAll(out.Body)
	if err != nil {
		return fmt.Errorf("GetObject body: %w", err)
	}
	if !bytes.Equal(got, body) {
		return errors.New("GetObject returned other bytes than were put")
	}
	return nil
}

// attack is the slow clients of one test, and how long the server took to
// cut each.
type attack struct {
	e    *env
	stop chan struct{} // closed: finish the current connection, make no new one

	mu                               sync.Mutex
	lorisCuts, bodyCuts, readerWaves []time.Duration
	failures                         []string
}

func (a *attack) stopped() bool {
	select {
	case <-a.stop:
		return true
	default:
		return false
	}
}

func (a *attack) record(cuts *[]time.Duration, d time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	*cuts = append(*cuts, d)
}

func (a *attack) fail(format string, args ...any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.failures = append(a.failures, fmt.Sprintf(format, args...))
}

// loris opens connections that send a request line and then one header
// byte every 50 ms, never ending the headers, until the server closes
// each; it records how long each connection lasted.
func (a *attack) loris(i int) {
	for {
		start := time.Now()
		c, err := net.Dial("tcp", a.e.srv.Addr)
		if err != nil {
			a.fail("loris %d: dial: %v", i, err)
			return
		}
		header := fmt.Sprintf("PUT /%s/loris-%d HTTP/1.1\r\nHost: %s\r\nX-Amz-Meta-Slow: ", a.e.bucket, i, a.e.srv.Addr)
		_, err = io.WriteString(c, header)
		buf := make([]byte, 512)
		for err == nil && time.Since(start) < attackHeaderTimeout+attackBound {
			if _, err = c.Write([]byte("a")); err != nil {
				break
			}
			// The read doubles as the trickle's pace: it times out
			// while the server waits, and ends once the server closes.
			_ = c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
			if _, err = c.Read(buf); errors.Is(err, os.ErrDeadlineExceeded) {
				err = nil
			}
		}
		took := time.Since(start)
		c.Close()
		if err == nil {
			a.fail("loris %d: connection still open after %s", i, took.Round(time.Millisecond))
			return
		}
		a.record(&a.lorisCuts, took)
		if a.stopped() {
			return
		}
	}
}

// stalledBody sends a presigned PUT declaring 1 MiB, sends 1 KiB and then
// nothing, and expects 400 RequestTimeout, over and over.
func (a *attack) stalledBody(t *testing.T, i int) {
	key := fmt.Sprintf("stalled-%d", i)
	p, err := s3.NewPresignClient(a.e.s3).PresignPutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(a.e.bucket), Key: aws.String(key)})
	if err != nil {
		a.fail("stalled upload %d: presign: %v", i, err)
		return
	}
	u, err := url.Parse(p.URL)
	if err != nil {
		a.fail("stalled upload %d: %v", i, err)
		return
	}
	for {
		start := time.Now()
		c, err := net.Dial("tcp", a.e.srv.Addr)
		if err != nil {
			a.fail("stalled upload %d: dial: %v", i, err)
			return
		}
		_ = c.SetDeadline(start.Add(attackBodyIdle + attackBound))
		fmt.Fprintf(c, "PUT %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n\r\n", u.RequestURI(), u.Host, 1<<20)
		_, _ = c.Write(make([]byte, 1<<10))
		resp, body, err := readResponse(c)
		took := time.Since(start)
		c.Close()
		switch {
		case err != nil:
			a.fail("stalled upload %d: no answer after %s: %v", i, took.Round(time.Millisecond), err)
			return
		case resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "<Code>RequestTimeout</Code>"):
			a.fail("stalled upload %d: %d %s; want 400 RequestTimeout", i, resp.StatusCode, body)
			return
		}
		a.record(&a.bodyCuts, took)
		if a.stopped() {
			return
		}
	}
}

func readResponse(c net.Conn) (*http.Response, string, error) {
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, string(b), err
}

// stalledReaders sends, in waves, attackReaders GETs of the 32 MiB object
// and reads nothing; a wave ends when the server has cut every response
// (its write-timeout count rose by attackReaders), and the next starts
// unless the attack is over.
func (a *attack) stalledReaders(t *testing.T) {
	get, err := s3.NewPresignClient(a.e.s3).PresignGetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(a.e.bucket), Key: aws.String("big")})
	if err != nil {
		a.fail("stalled readers: presign: %v", err)
		return
	}
	u, _ := url.Parse(get.URL)
	reg := a.e.srv.Registry
	for {
		cutBefore := metricValue(t, reg, "coffer_body_timeouts_total", "write")
		start := time.Now()
		conns := make([]net.Conn, 0, attackReaders)
		for range attackReaders {
			c, err := net.Dial("tcp", a.e.srv.Addr)
			if err != nil {
				a.fail("stalled reader: dial: %v", err)
				break
			}
			conns = append(conns, c)
			fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", u.RequestURI(), u.Host)
		}
		want := max(cutBefore, 0) + float64(len(conns))
		for metricValue(t, reg, "coffer_body_timeouts_total", "write") < want && time.Since(start) < attackBodyIdle+attackBound {
			time.Sleep(5 * time.Millisecond) // polling a counter; there is nothing to wait on
		}
		took := time.Since(start)
		for _, c := range conns {
			c.Close()
		}
		if got := metricValue(t, reg, "coffer_body_timeouts_total", "write"); got < want {
			a.fail("stalled readers: %v of %d responses cut after %s", got-max(cutBefore, 0), len(conns), took.Round(time.Millisecond))
			return
		}
		a.record(&a.readerWaves, took)
		if a.stopped() || len(conns) < attackReaders {
			return
		}
	}
}

// check fails the test for every slow client that was not cut, or cut
// sooner than its configured timeout or more than attackBound later, and
// checks the server's count of cut request bodies and that no stalled
// upload stored anything.
func (a *attack) check(t *testing.T) {
	for _, f := range a.failures {
		t.Error(f)
	}
	for _, c := range []struct {
		what    string
		cuts    []time.Duration
		timeout time.Duration
		want    int
	}{
		{"header trickler", a.lorisCuts, attackHeaderTimeout, attackLorises},
		{"stalled upload", a.bodyCuts, attackBodyIdle, attackBodies},
		{"stalled reader wave", a.readerWaves, attackBodyIdle, 1},
	} {
		if len(c.cuts) < c.want {
			t.Errorf("%d %s cuts, want at least %d", len(c.cuts), c.what, c.want)
		}
		for _, d := range c.cuts {
			if d < c.timeout || d > c.timeout+attackBound {
				t.Errorf("a %s was cut after %s; want between %s and %s", c.what, d, c.timeout, c.timeout+attackBound)
			}
		}
	}
	if got := metricValue(t, a.e.srv.Registry, "coffer_body_timeouts_total", "read"); got != float64(len(a.bodyCuts)) {
		t.Errorf("coffer_body_timeouts_total{direction=read} = %v, want %d (one per stalled upload)", got, len(a.bodyCuts))
	}
	for i := range attackBodies {
		_, err := a.e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(a.e.bucket), Key: aws.String(fmt.Sprintf("stalled-%d", i))})
		wantCode(t, "HeadObject of a stalled upload", err, "NotFound", http.StatusNotFound)
	}
}

// summarize gives the median, 99th percentile and maximum of ds.
func summarize(ds []time.Duration) string {
	if len(ds) == 0 {
		return "none"
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(q float64) time.Duration {
		return s[min(int(q*float64(len(s))), len(s)-1)].Round(100 * time.Microsecond)
	}
	return fmt.Sprintf("n=%d p50 %s p99 %s max %s", len(s), at(0.50), at(0.99), s[len(s)-1].Round(100*time.Microsecond))
}
