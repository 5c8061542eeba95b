package main

import (
	"bufio"
	"bytes"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

var listeningRE = regexp.MustCompile(`msg=listening .*?\baddress=(\S+)`)

// TestBinary_sigterm builds the coffer binary, starts it, and checks that
// SIGTERM shuts it down cleanly with exit status 0.
func TestBinary_sigterm(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "coffer")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "server", "--address", "127.0.0.1:0", "--data", filepath.Join(dir, "data"))
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	var addr string
	var logs []string
	timeout := time.After(30 * time.Second)
	for addr == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("coffer exited before listening:\n%s", strings.Join(logs, "\n"))
			}
			logs = append(logs, l)
			if m := listeningRE.FindStringSubmatch(l); m != nil {
				addr = m[1]
			}
		case <-timeout:
			t.Fatalf("coffer did not log its address:\n%s", strings.Join(logs, "\n"))
		}
	}
	resp, err := http.Get("http://" + addr + "/health/ready")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("/health/ready = %d, want 200", resp.StatusCode)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for l := range lines {
		logs = append(logs, l)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("coffer after SIGTERM: %v, want exit status 0\n%s", err, strings.Join(logs, "\n"))
		}
	case <-time.After(30 * time.Second):
		t.Fatal("coffer did not exit after SIGTERM")
	}
	all := strings.Join(logs, "\n")
	if !strings.Contains(all, `msg="shut down"`) {
		t.Errorf("no shutdown record in the logs:\n%s", all)
	}
	if !strings.Contains(stdout.String(), "Secret key: ") {
		t.Errorf("first start did not print the generated credentials on stdout:\n%s", stdout.String())
	}
	if m := credsRE.FindStringSubmatch(stdout.String()); m != nil && strings.Contains(all, m[2]) {
		t.Error("the secret key appears in the logs")
	}
}
