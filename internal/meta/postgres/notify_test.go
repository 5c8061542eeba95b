package postgres

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/meta/postgres/pgtest"
)

// waitTimeout bounds every wait for a notification: generous, since the
// machine may be loaded; a test that passes never waits that long.
const waitTimeout = 10 * time.Second

// openNotifying opens a store on url whose writes under S and T notify.
func openNotifying(t *testing.T, url string) *Store {
	t.Helper()
	s, err := Open(context.Background(), url, Options{NotifyPrefixes: [][]byte{[]byte("S"), []byte("T")}})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func set(t *testing.T, s *Store, keys ...string) {
	t.Helper()
	err := s.Update(context.Background(), func(tx meta.Txn) error {
		for _, k := range keys {
			if err := tx.Set([]byte(k), []byte("v")); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func watch(t *testing.T, ctx context.Context, s *Store, prefix string) <-chan struct{} {
	t.Helper()
	ch, err := s.Watch(ctx, []byte(prefix))
	if err != nil {
		t.Fatalf("Watch(%q): %v", prefix, err)
	}
	return ch
}

func receive(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case _, ok := <-ch:
		if !ok {
			t.Fatalf("%s: channel closed", what)
		}
	case <-time.After(waitTimeout):
		t.Fatalf("%s: no notification after %v", what, waitTimeout)
	}
}

func empty(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
		t.Errorf("%s: notified", what)
	default:
	}
}

// TestWatch_otherStoresCommits: a Watch on store A hears commits of
// store B under its prefix, and not B's commits under other prefixes nor
// its rolled-back transactions. A commit under T, notified after those on
// the same listener connection, proves that nothing for S came before it.
func TestWatch_otherStoresCommits(t *testing.T) {
	url := pgtest.URL(t)
	a, b := openNotifying(t, url), openNotifying(t, url)
	ctx := t.Context()
	ws, wt := watch(t, ctx, a, "S"), watch(t, ctx, a, "T")

	set(t, b, "Sx")
	receive(t, ws, "A's watch of S after B wrote Sx")
	empty(t, wt, "A's watch of T after B wrote Sx")

	set(t, b, "Ox", "Rx") // no notify prefix
	errRollback := errors.New("roll back")
	if err := b.Update(ctx, func(tx meta.Txn) error {
		if err := tx.Set([]byte("Sy"), []byte("v")); err != nil {
			return err
		}
		_, _ = tx.Get([]byte("Sy")) // the write reaches the server
		return errRollback
	}); !errors.Is(err, errRollback) {
		t.Fatalf("Update = %v", err)
	}
	set(t, b, "Tz")
	receive(t, wt, "A's watch of T after B wrote Tz")
	empty(t, ws, "A's watch of S after writes under O and R and a rolled-back write of Sy")

	// A's own commits notify it too; deletes are writes.
	if err := a.Update(ctx, func(tx meta.Txn) error { return tx.Delete([]byte("Sx")) }); err != nil {
		t.Fatal(err)
	}
	receive(t, ws, "A's watch of S after A deleted Sx")
}

// TestNotify_oncePerTransaction listens on the store's channel with a
// plain connection: a transaction writing three keys under S sends one
// notification naming S; a marker sent afterwards arrives next, so no
// other commit (under O, or rolled back) sent anything.
func TestNotify_oncePerTransaction(t *testing.T) {
	url := pgtest.URL(t)
	s := openNotifying(t, url)
	ctx := t.Context()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{s.channel}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	set(t, s, "Sa", "Sb", "Sc", "Oa")
	set(t, s, "Ob")
	_ = s.Update(ctx, func(tx meta.Txn) error {
		_ = tx.Set([]byte("Sd"), []byte("v"))
		return errors.New("roll back")
	})
	set(t, s, "Sa", "Tb")
	if _, err := conn.Exec(ctx, "SELECT pg_notify($1, 'marker')", s.channel); err != nil {
		t.Fatal(err)
	}
	var got []string
	for len(got) == 0 || got[len(got)-1] != "marker" {
		wctx, cancel := context.WithTimeout(ctx, waitTimeout)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		if err != nil {
			t.Fatalf("after %q: %v", got, err)
		}
		got = append(got, n.Payload)
	}
	if want := []string{"53", "53,54", "marker"}; !slices.Equal(got, want) {
		t.Errorf("payloads %q, want %q", got, want)
	}
}

// TestWatch_reconnects: the listener connection is terminated by the
// server; the listener reconnects, tells its watchers once (what was
// committed meanwhile was not notified), and notifications resume.
func TestWatch_reconnects(t *testing.T) {
	url := pgtest.URL(t)
	a, b := openNotifying(t, url), openNotifying(t, url)
	ctx := t.Context()
	ws := watch(t, ctx, a, "S")
	old := a.listener.pid.Load()
	if old == 0 {
		t.Fatal("no listener connection after Watch returned")
	}
	admin, err := pgx.Connect(ctx, pgtest.Shared(t).AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	var ok bool
	if err := admin.QueryRow(ctx, "SELECT pg_terminate_backend($1)", old).Scan(&ok); err != nil || !ok {
		t.Fatalf("pg_terminate_backend = %v, %v", ok, err)
	}
	receive(t, ws, "the watch after the listener reconnected")
	if pid := a.listener.pid.Load(); pid == 0 || pid == old {
		t.Fatalf("listener pid %d after reconnecting, was %d", pid, old)
	}
	set(t, b, "Sx")
	receive(t, ws, "the watch after B wrote Sx, once reconnected")
}

// TestWatch_endsAndRefuses: a Watch's channel closes when its ctx ends or
// the store closes; prefixes that do not notify are refused.
func TestWatch_endsAndRefuses(t *testing.T) {
	url := pgtest.URL(t)
	s := openNotifying(t, url)
	if _, err := s.Watch(t.Context(), []byte("O")); !errors.Is(err, ErrNotNotified) {
		t.Errorf("Watch(O) = %v, want ErrNotNotified", err)
	}
	if _, err := s.Watch(t.Context(), nil); !errors.Is(err, ErrNotNotified) {
		t.Errorf("Watch(nil) = %v, want ErrNotNotified", err)
	}
	plain := openTemp(t)
	if _, err := plain.Watch(t.Context(), []byte("S")); !errors.Is(err, ErrNotNotified) {
		t.Errorf("Watch on a store without NotifyPrefixes = %v, want ErrNotNotified", err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	byCtx := watch(t, ctx, s, "Sab")
	byClose := watch(t, t.Context(), s, "S")
	cancel()
	closed := func(ch <-chan struct{}, what string) {
		t.Helper()
		select {
		case _, ok := <-ch:
			if ok {
				t.Errorf("%s: a value, want the channel closed", what)
			}
		case <-time.After(waitTimeout):
			t.Errorf("%s: channel still open", what)
		}
	}
	closed(byCtx, "after its ctx ended")
	s.Close()
	closed(byClose, "after Close")
	if _, err := s.Watch(t.Context(), []byte("S")); !errors.Is(err, meta.ErrClosed) {
		t.Errorf("Watch after Close = %v, want ErrClosed", err)
	}
}

func TestOpen_badNotifyPrefixes(t *testing.T) {
	for _, prefixes := range [][][]byte{{{}}, make([][]byte, maxNotifyPrefixes+1)} {
		if _, err := Open(context.Background(), "postgres://127.0.0.1:1/x", Options{NotifyPrefixes: prefixes}); err == nil {
			t.Errorf("Open with %d notify prefixes (first %q) = nil error", len(prefixes), prefixes[0])
		}
	}
}

// TestPayload: what a commit sends names the prefixes it wrote under,
// and a watcher is told of any prefix that overlaps its own.
func TestPayload(t *testing.T) {
	prefixes := [][]byte{[]byte("S"), []byte("Qab"), {0x00, 0xff}}
	for _, tc := range []struct {
		keys []string
		want string
	}{
		{[]string{"Sx"}, "53"},
		{[]string{"Sx", "Sy"}, "53"},
		{[]string{"Qabc", "\x00\xff"}, "516162,00ff"},
		{[]string{"Qa", "O", ""}, ""},
	} {
		var bits uint64
		for _, k := range tc.keys {
			bits |= touched(prefixes, []byte(k))
		}
		got := notifyPayload(prefixes, bits)
		if got != tc.want {
			t.Errorf("keys %q: payload %q, want %q", tc.keys, got, tc.want)
		}
		if got == "" {
			continue
		}
		parsed, ok := parsePayload(got)
		if !ok || len(parsed) == 0 {
			t.Errorf("parsePayload(%q) = %q, %v", got, parsed, ok)
		}
	}
	for _, bad := range []string{"", "marker", "53,", "5"} {
		if _, ok := parsePayload(bad); ok {
			t.Errorf("parsePayload(%q) ok, want not", bad)
		}
	}
	for _, tc := range []struct {
		watched, notified string
		want              bool
	}{
		{"S", "S", true}, {"Siam", "S", true}, {"S", "Siam", true}, {"T", "S", false}, {"Sab", "Sac", false},
	} {
		if got := overlaps([]byte(tc.watched), []byte(tc.notified)); got != tc.want {
			t.Errorf("overlaps(%q, %q) = %v", tc.watched, tc.notified, got)
		}
	}
}

// FuzzParsePayload: any payload on the channel (anyone who may connect
// to the database can NOTIFY on it) parses without panicking, and what
// parses names non-empty prefixes that format back to the payload.
func FuzzParsePayload(f *testing.F) {
	for _, s := range []string{"53", "53,54", "516162,00ff", "", "marker", "53,", ",", "zz", "5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, payload string) {
		prefixes, ok := parsePayload(payload)
		if !ok {
			return
		}
		var all uint64
		for i, p := range prefixes {
			if len(p) == 0 {
				t.Fatalf("parsePayload(%q) gave an empty prefix", payload)
			}
			if i < maxNotifyPrefixes {
				all |= 1 << i
			}
		}
		if len(prefixes) <= maxNotifyPrefixes {
			if got := notifyPayload(prefixes, all); !strings.EqualFold(got, payload) {
				t.Fatalf("parsePayload(%q) = %q, which formats as %q", payload, prefixes, got)
			}
		}
	})
}
