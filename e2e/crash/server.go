package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// Root credentials given to every server the driver starts.
const (
	rootAccessKey = "CRASHTESTROOTKEY0001"
	rootSecretKey = "crash-test-root-secret-key-0000000000001"
)

// server is one running coffer process.
type server struct {
	cmd      *exec.Cmd
	endpoint string
	exited   chan struct{}
	waitErr  error
}

// startServer starts binary on a free loopback port with data in dataDir,
// appending its output to logPath, and returns once /health/ready answers
// 200. A port taken between probing and binding is retried on a new port.
func startServer(ctx context.Context, binary, dataDir, logPath string, readyWithin time.Duration) (*server, error) {
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		s, err := startOnce(ctx, binary, dataDir, logPath, readyWithin)
		if err == nil {
			return s, nil
		}
		lastErr = err
		if ctx.Err() != nil {
			break
		}
	}
	return nil, lastErr
}

func startOnce(ctx context.Context, binary, dataDir, logPath string, readyWithin time.Duration) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open server log: %w", err)
	}
	defer logFile.Close()
	fmt.Fprintf(logFile, "=== crash: starting %s on %s at %s\n", binary, addr, time.Now().UTC().Format(time.RFC3339Nano))

	cmd := exec.Command(binary, "server", "--address", addr, "--data", dataDir)
	cmd.Env = append(os.Environ(),
		"COFFER_ROOT_ACCESS_KEY="+rootAccessKey,
		"COFFER_ROOT_SECRET_KEY="+rootSecretKey,
	)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	// Own process group, so a kill reaches nothing else and Ctrl-C on the
	// driver does not race the driver's own kill.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", binary, err)
	}
	s := &server{cmd: cmd, endpoint: "http://" + addr, exited: make(chan struct{})}
	go func() {
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	if err := s.waitReady(ctx, readyWithin); err != nil {
		s.kill()
		return nil, err
	}
	return s, nil
}

// waitReady polls /health/ready until it answers 200, the process exits or
// the bound passes.
func (s *server) waitReady(ctx context.Context, within time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.endpoint+"/health/ready", nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.exited:
			return fmt.Errorf("server exited before it was ready: %v", s.waitErr)
		case <-ctx.Done():
			return fmt.Errorf("server not ready at %s within %s", s.endpoint, within)
		case <-tick.C:
		}
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (s *server) kill() {
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.exited
}

// stop asks the server to shut down gracefully and kills it if it has not
// exited within the bound.
func (s *server) stop(within time.Duration) error {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
		var exitErr *exec.ExitError
		if s.waitErr != nil && !errors.As(s.waitErr, &exitErr) {
			return s.waitErr
		}
		return nil
	case <-time.After(within):
		s.kill()
		return fmt.Errorf("server did not stop within %s after SIGTERM", within)
	}
}

// alive reports whether the process is still running.
func (s *server) alive() bool {
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("probe free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
