package cluster_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Root credentials every node is given, as README "Running several
// nodes" asks: the same pair on each.
const (
	rootAccessKey = "CLUSTERTESTROOT"
	rootSecretKey = "cluster-test-root-secret-key"
)

// buildCoffer builds the coffer binary into dir: the test kills real
// processes, which an in-process server cannot stand in for.
func buildCoffer(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "coffer")
	start := time.Now()
	out, err := exec.Command("go", "build", "-o", bin, "github.com/coffer-s3/coffer/cmd/coffer").CombinedOutput()
	if err != nil {
		t.Fatalf("go build coffer: %v\n%s", err, out)
	}
	t.Logf("built coffer in %s", time.Since(start).Round(time.Millisecond))
	return bin
}

// node is one coffer process of the cluster. Its flags never change, so a
// restart is the same node coming back on the same address.
type node struct {
	name string
	bin  string
	args []string
	addr string
	log  string // the process's output, appended across restarts

	cmd         *exec.Cmd
	exited      chan struct{}
	waitErr     error
	alive       atomic.Bool               // false from just before a kill until ready again
	incarnation atomic.Int64              // starts so far
	client      atomic.Pointer[s3.Client] // a fresh client per start
}

// newNode describes a node on a free loopback port; start runs it.
func newNode(t *testing.T, name, bin, dataDir, logPath string, shared []string) *node {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	args := append([]string{"server", "--address", addr, "--data", dataDir}, shared...)
	n := &node{name: name, bin: bin, args: args, addr: addr, log: logPath}
	t.Cleanup(n.stop)
	return n
}

// start runs the node and returns once /health/ready answers 200.
func (n *node) start(ctx context.Context) error {
	logFile, err := os.OpenFile(n.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logFile.Close()
	fmt.Fprintf(logFile, "=== %s: starting on %s at %s\n", n.name, n.addr, time.Now().UTC().Format(time.RFC3339Nano))
	cmd := exec.Command(n.bin, n.args...)
	cmd.Env = append(os.Environ(), "COFFER_ROOT_ACCESS_KEY="+rootAccessKey, "COFFER_ROOT_SECRET_KEY="+rootSecretKey)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Its own process group, so that the kill reaches only it; Pdeathsig,
	// so that a test binary killed by a timeout takes its nodes along.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: start: %w", n.name, err)
	}
	n.cmd, n.exited = cmd, make(chan struct{})
	go func() {
		n.waitErr = cmd.Wait()
		close(n.exited)
	}()
	if err := n.waitReady(ctx, 30*time.Second); err != nil {
		n.kill()
		return err
	}
	n.client.Store(s3.New(s3.Options{
		BaseEndpoint: aws.String("http://" + n.addr), Region: "us-east-1", UsePathStyle: true,
		Credentials: awscreds.NewStaticCredentialsProvider(rootAccessKey, rootSecretKey, ""),
		// One attempt per call: a retried conditional write whose first
		// attempt took effect would answer 412 for its own write.
		RetryMaxAttempts: 1,
		HTTPClient:       &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}},
	}))
	n.incarnation.Add(1)
	n.alive.Store(true)
	return nil
}

// ready reports whether /health/ready answers 200.
func (n *node) ready(ctx context.Context) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+n.addr+"/health/ready", nil)
	if err != nil {
		return false, err
	}
	resp, err := (&http.Client{Timeout: time.Second}).Do(req)
	if err != nil {
		return false, err
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK, nil
}

// waitReady polls /health/ready until it answers 200, the process exits
// or the bound passes.
func (n *node) waitReady(ctx context.Context, within time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if ok, _ := n.ready(ctx); ok {
			return nil
		}
		select {
		case <-n.exited:
			return fmt.Errorf("%s exited before it was ready (%v):\n%s", n.name, n.waitErr, n.logTail())
		case <-ctx.Done():
			return fmt.Errorf("%s not ready on %s within %s:\n%s", n.name, n.addr, within, n.logTail())
		case <-tick.C:
		}
	}
}

// kill sends SIGKILL and waits until the process is gone. Clients stop
// choosing the node before the signal, so only calls already sent to it
// are cut.
func (n *node) kill() {
	n.alive.Store(false)
	if n.cmd == nil {
		return
	}
	_ = n.cmd.Process.Signal(syscall.SIGKILL)
	<-n.exited
}

// stop ends a running node gracefully (a kill if it lingers), at cleanup.
func (n *node) stop() {
	if n.cmd == nil {
		return
	}
	select {
	case <-n.exited:
		return
	default:
	}
	n.alive.Store(false)
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.exited:
	case <-time.After(10 * time.Second):
		n.kill()
	}
}

// logTail is the end of the node's output, for failure messages.
func (n *node) logTail() string {
	b, err := os.ReadFile(n.log)
	if err != nil {
		return err.Error()
	}
	if len(b) > 4000 {
		b = b[len(b)-4000:]
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	return string(b)
}

// exitedBySignal reports whether the process's last run ended by SIGKILL.
func (n *node) exitedBySignal() bool {
	var ee *exec.ExitError
	if !errors.As(n.waitErr, &ee) {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}
