package pebble

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"

	"github.com/coffer-s3/coffer/internal/meta"
)

// killDirEnv tells the test binary, re-executed by TestKill9, to act as the
// writer process.
const killDirEnv = "COFFER_META_PEBBLE_KILL_DIR"

// TestKill9 runs Updates in a child process, reads their acknowledgements
// from its stdout, kills it with SIGKILL mid-stream and checks that every
// acknowledged Update is present after reopening.
func TestKill9(t *testing.T) {
	if dir := os.Getenv(killDirEnv); dir != "" {
		killWriter(dir)
		return
	}
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKill9$")
	cmd.Env = append(os.Environ(), killDirEnv+"="+dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	const killAfter = 300
	var acked []string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		acked = append(acked, sc.Text())
		if len(acked) == killAfter {
			break
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait() // the exit status is the kill
	if len(acked) < killAfter {
		t.Fatalf("writer acknowledged only %d updates before exiting, want %d", len(acked), killAfter)
	}

	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("Open after kill: %v", err)
	}
	defer s.Close()
	err = s.View(context.Background(), func(r meta.Reader) error {
		for _, k := range acked {
			if _, err := r.Get([]byte(k)); err != nil {
				t.Errorf("acknowledged key %s after kill -9: %v", k, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// killWriter commits Updates from several goroutines forever, printing
// each key once its Update returned nil, until the parent kills it.
func killWriter(dir string) {
	s, err := Open(dir, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	acks := make(chan string)
	for w := range 4 {
		go func() {
			for i := 0; ; i++ {
				k := fmt.Sprintf("k/%d/%08d", w, i)
				err := s.Update(context.Background(), func(tx meta.Txn) error {
					return tx.Set([]byte(k), []byte("v"))
				})
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(2)
				}
				acks <- k
			}
		}()
	}
	out := bufio.NewWriter(os.Stdout)
	for k := range acks {
		fmt.Fprintln(out, k)
		out.Flush()
	}
}
