// Package pgtest starts a throwaway PostgreSQL server for tests and hands
// each test an empty schema of its own in it.
//
// A test package that uses it runs its tests through Main, which stops the
// server after the last test:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
//	func TestX(t *testing.T) {
//		url := pgtest.URL(t) // skips, or fails in CI, without PostgreSQL
//		...
//	}
//
// The server starts on first use, once per test binary: initdb in a
// temporary directory, a free loopback port, its unix socket in that
// directory, fsync on. As root it runs as the "postgres" system user,
// since PostgreSQL refuses to run as root.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrNoPostgres means no PostgreSQL server binaries were found.
var ErrNoPostgres = errors.New("pgtest: no PostgreSQL binaries (initdb, postgres) found; install the postgresql package")

// shared is the server of this test binary, started on first use.
var shared struct {
	once sync.Once
	srv  *Server
	err  error
}

// Main runs the tests of m and then stops the server if one was started.
// It does not return.
func Main(m *testing.M) {
	code := m.Run()
	StopShared()
	os.Exit(code)
}

// StopShared stops the shared server if one was started, for a TestMain
// that cannot use Main (one that runs goleak.VerifyTestMain, with
// IgnoreShared among its options and StopShared in its Cleanup).
func StopShared() {
	if shared.srv != nil {
		if err := shared.srv.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: stop: %v\n", err)
		}
	}
}

// IgnoreShared names the goroutine that waits for the shared server's
// process, which runs until StopShared: goleak.IgnoreAnyFunction(IgnoreShared).
const IgnoreShared = "github.com/coffer-s3/coffer/internal/meta/postgres/pgtest.(*Server).start.func1"

// Shared returns the test binary's server, starting it on first use. It
// skips the test when PostgreSQL is not installed, and fails it instead
// when the CI environment variable is "true", so that CI cannot pass by
// skipping.
func Shared(t testing.TB) *Server {
	t.Helper()
	shared.once.Do(func() { shared.srv, shared.err = Start() })
	switch {
	case errors.Is(shared.err, ErrNoPostgres) && os.Getenv("CI") != "true":
		t.Skipf("skipping: %v", shared.err)
	case shared.err != nil:
		t.Fatalf("start PostgreSQL: %v", shared.err)
	}
	return shared.srv
}

// URL returns the connection URL of a new, empty schema on the shared
// server (see Shared); the URL makes it the connection's search_path.
// The schema is dropped when the test ends.
func URL(t testing.TB) string {
	t.Helper()
	return Shared(t).NewSchema(t)
}

// Server is a running PostgreSQL.
type Server struct {
	dir  string // temporary directory: data, socket, log
	port int
	cmd  *exec.Cmd
	done chan struct{} // closed when the postgres process exits
	// waitErr is the exit status of the process, valid after done.
	waitErr error
}

// user is the database superuser created by initdb.
const superuser = "coffer"

// Start initialises and starts a new server.
func Start() (*Server, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	cred, err := credential()
	if err != nil {
		return nil, err
	}
	parent := ""
	if cred != nil {
		// The server's user must reach the directory: $TMPDIR may sit
		// below a home directory that only root can enter.
		parent = "/tmp"
	}
	dir, err := os.MkdirTemp(parent, "coffer-pgtest-")
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(dir)
		}
	}()
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")
	// -N: the cluster is thrown away after the tests, so initdb need not
	// sync its files; the server itself runs with fsync on.
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", superuser, "-A", "trust", "-E", "UTF8", "--locale=C", "-N")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	initdb.Dir = dir
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pgtest: initdb: %v\n%s", err, out)
	}
	for attempt := 0; ; attempt++ {
		err := s.start(bin, data, cred)
		if err == nil {
			break
		}
		if attempt == 2 {
			return nil, err
		}
	}
	ok = true
	return s, nil
}

// start runs postgres on a free port and waits until it accepts
// connections.
func (s *Server) start(bin, data string, cred *syscall.Credential) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	logFile, err := os.Create(filepath.Join(s.dir, "postgres.log"))
	if err != nil {
		return err
	}
	defer logFile.Close()
	s.port = port
	s.cmd = exec.Command(filepath.Join(bin, "postgres"), "-D", data,
		"-p", strconv.Itoa(port), "-k", s.dir,
		"-c", "listen_addresses=127.0.0.1",
		"-c", "fsync=on", "-c", "synchronous_commit=on",
		"-c", "max_connections=200", "-c", "shared_buffers=32MB",
		"-c", "max_pred_locks_per_transaction=256")
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	// Pdeathsig: a test binary killed by a timeout takes its server along.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("pgtest: start postgres: %w", err)
	}
	s.done = make(chan struct{})
	go func() {
		s.waitErr = s.cmd.Wait()
		close(s.done)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn, err := pgx.Connect(ctx, s.adminURL("postgres"))
		cancel()
		if err == nil {
			conn.Close(context.Background())
			return nil
		}
		select {
		case <-s.done:
			log, _ := os.ReadFile(filepath.Join(s.dir, "postgres.log"))
			return fmt.Errorf("pgtest: postgres exited (%v):\n%s", s.waitErr, log)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = s.cmd.Process.Kill()
			<-s.done
			return fmt.Errorf("pgtest: postgres did not accept connections: %w", err)
		}
	}
}

// adminURL is a superuser URL for database db.
func (s *Server) adminURL(db string) string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", superuser, s.port, db)
}

// AdminURL returns a superuser URL for the default database.
func (s *Server) AdminURL() string { return s.adminURL("postgres") }

// NewSchema creates an empty schema and returns a URL whose connections
// use it as their search_path. The schema is dropped when t ends.
func (s *Server) NewSchema(t testing.TB) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "t_" + hex.EncodeToString(b[:])
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.AdminURL())
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatalf("pgtest: create schema: %v", err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, s.AdminURL())
		if err != nil {
			t.Errorf("pgtest: connect: %v", err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+name+" CASCADE"); err != nil {
			t.Errorf("pgtest: drop schema: %v", err)
		}
	})
	u, _ := url.Parse(s.AdminURL())
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// Stop shuts the server down (fast shutdown: open sessions are ended) and
// removes its files.
func (s *Server) Stop() error {
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	return os.RemoveAll(s.dir)
}

// findBin returns the directory of the newest installed PostgreSQL's
// server binaries: $COFFER_PG_BIN, Debian's /usr/lib/postgresql/N/bin, or
// the PATH.
func findBin() (string, error) {
	if d := os.Getenv("COFFER_PG_BIN"); d != "" {
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		d := filepath.Dir(p)
		if isExec(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	return "", ErrNoPostgres
}

// version is N of /usr/lib/postgresql/N/bin.
func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func isExec(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// credential returns who the server runs as: nil (the current user)
// unless that is root, which PostgreSQL refuses; then the "postgres"
// system user that the Debian package creates.
func credential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pgtest: running as root and there is no postgres user to run the server as: %w", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("pgtest: postgres user: %w", err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
