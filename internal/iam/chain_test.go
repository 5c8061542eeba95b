package iam

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// TestSession_roleChaining pins AWS's rules for a role session assumed
// with temporary credentials: one hour at most, transitive tags inherited
// (and not settable again), source identity inherited and unchangeable.
func TestSession_roleChaining(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, name := range []string{"first", "second"} {
		_, err := e.s.CreateRole(ctx, CreateRoleInput{Account: RootAccountID, Name: name, AssumeRolePolicyDocument: trustAccount, MaxSessionDuration: 43200})
		must(t, err)
	}
	first, err := e.s.CreateSession(ctx, SessionInput{Account: RootAccountID, RoleName: "first", SessionName: "a", Duration: 12 * time.Hour,
		Tags: []Tag{{"Project", "x"}, {"Team", "y"}}, TransitiveTagKeys: []string{"project"}, SourceIdentity: "alice"})
	must(t, err)
	if first.SourceIdentity != "alice" || first.Expiration != testEpoch.Add(12*time.Hour) {
		t.Errorf("first session = %+v", first)
	}
	chained := func(in SessionInput) (Session, error) {
		in.Account, in.RoleName, in.SessionName, in.Caller = RootAccountID, "second", "b", first.AccessKeyID
		if in.Duration == 0 {
			in.Duration = time.Hour
		}
		return e.s.CreateSession(ctx, in)
	}
	tests := []struct {
		name string
		in   SessionInput
		want error
	}{
		{"over an hour", SessionInput{Duration: time.Hour + time.Second}, ErrValidation},
		{"inherited tag set again", SessionInput{Tags: []Tag{{"PROJECT", "z"}}}, ErrValidation},
		{"source identity changed", SessionInput{SourceIdentity: "bob"}, ErrSessionRefused},
		{"source identity repeated", SessionInput{SourceIdentity: "alice"}, nil},
	}
	for _, tt := range tests {
		_, err := chained(tt.in)
		wantErr(t, "chained CreateSession "+tt.name, err, tt.want)
	}
	var msg *Error
	if _, err := chained(SessionInput{Duration: 2 * time.Hour}); !errors.As(err, &msg) ||
		msg.Message != "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining." {
		t.Errorf("chained 2h session: %v", err)
	}

	second, err := chained(SessionInput{Tags: []Tag{{"Env", "dev"}}})
	must(t, err)
	if second.SourceIdentity != "alice" {
		t.Errorf("chained SourceIdentity = %q, want alice (inherited)", second.SourceIdentity)
	}
	c, err := e.s.Lookup(ctx, second.AccessKeyID)
	must(t, err)
	id, err := e.s.identity(ctx, c.Principal)
	must(t, err)
	got := map[string]string{}
	for _, tg := range id.tags {
		got[tg.Key] = tg.Value
	}
	if len(got) != 2 || got["Project"] != "x" || got["Env"] != "dev" {
		t.Errorf("chained session tags = %v, want Project (transitive) and Env only", got)
	}
	if c.Principal.SourceIdentity != "alice" {
		t.Errorf("chained principal SourceIdentity = %q", c.Principal.SourceIdentity)
	}
	// The inherited tag stays transitive down the chain.
	third, err := e.s.CreateSession(ctx, SessionInput{Account: RootAccountID, RoleName: "first", SessionName: "c", Duration: time.Hour, Caller: second.AccessKeyID})
	must(t, err)
	c, err = e.s.Lookup(ctx, third.AccessKeyID)
	must(t, err)
	if id, err = e.s.identity(ctx, c.Principal); err != nil || len(id.tags) != 1 || id.tags[0].Key != "Project" {
		t.Errorf("third session tags = %+v, %v; want Project only", id, err)
	}
}

// TestSession_sessionToken covers GetSessionToken's sessions: the root
// user's (at most an hour) and the refusal of temporary credentials.
func TestSession_sessionToken(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	sess, err := e.s.CreateSession(ctx, SessionInput{Account: RootAccountID, Root: true, Duration: time.Hour, MFA: true})
	must(t, err)
	c, err := e.s.Lookup(ctx, sess.AccessKeyID)
	must(t, err)
	want := sigv4.Principal{AccessKey: sess.AccessKeyID, AccountID: RootAccountID, Name: "root", ARN: "arn:aws:iam::000000000000:root",
		UserID: RootAccountID, Root: true, MFA: true, TokenIssued: testEpoch}
	if c.Principal != want || sess.ARN != want.ARN {
		t.Errorf("root session principal = %+v, want %+v", c.Principal, want)
	}
	_, err = e.s.CreateSession(ctx, SessionInput{Account: RootAccountID, Root: true, Duration: time.Hour + time.Second})
	wantErr(t, "root session over an hour", err, ErrValidation)
	_, err = e.s.CreateSession(ctx, SessionInput{Account: RootAccountID, Root: true, Duration: time.Hour, Caller: sess.AccessKeyID})
	wantErr(t, "session token from session credentials", err, ErrSessionRefused)
	if acct, err := e.s.AccessKeyInfo(ctx, sess.AccessKeyID); err != nil || acct != RootAccountID {
		t.Errorf("AccessKeyInfo(ASIA) = %q, %v", acct, err)
	}
	_, err = e.s.AccessKeyInfo(ctx, "ASIAUNKNOWNUNKNOWN00")
	wantErr(t, "AccessKeyInfo(unknown ASIA)", err, ErrNoSuchEntity)
}

// TestSession_packedPolicySize pins the packed size share and its limit.
func TestSession_packedPolicySize(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, err := e.s.CreateRole(ctx, CreateRoleInput{Account: RootAccountID, Name: "r", AssumeRolePolicyDocument: trustAccount})
	must(t, err)
	sess, err := e.s.CreateSession(ctx, SessionInput{Account: RootAccountID, RoleName: "r", SessionName: "s", Duration: time.Hour, Policy: readOnlySession})
	must(t, err)
	if sess.PackedPolicySize < 1 || sess.PackedPolicySize > 20 {
		t.Errorf("PackedPolicySize of a small policy = %d", sess.PackedPolicySize)
	}
	if got := packedPolicySize("", nil, nil); got != 0 {
		t.Errorf("packedPolicySize(nothing) = %d, want 0", got)
	}
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("ab", 1100) + `"}]}`
	var tags []Tag
	for i := range 50 {
		tags = append(tags, Tag{Key: NewAccessKeyID("K") + string(rune('a'+i%26)), Value: NewSecretKey()})
	}
	for name, in := range map[string]SessionInput{"plaintext over 2048": {Policy: big}, "fifty random tags": {Tags: tags}} {
		in.Account, in.RoleName, in.SessionName, in.Duration = RootAccountID, "r", "s", time.Hour
		_, err := e.s.CreateSession(ctx, in)
		var msg *Error
		if !errors.Is(err, ErrPackedPolicyTooLarge) || !errors.As(err, &msg) || !strings.HasPrefix(msg.Message, "Packed policy consumes ") {
			t.Errorf("%s: CreateSession = %v, want PackedPolicyTooLarge", name, err)
		}
	}
}

// TestCollectExpiredSessions checks that records go a day after expiry,
// and only then.
func TestCollectExpiredSessions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.newUser(t, RootAccountID, "alice")
	short, err := e.s.CreateSession(ctx, SessionInput{Account: RootAccountID, UserName: "alice", Duration: 15 * time.Minute})
	must(t, err)
	long, err := e.s.CreateSession(ctx, SessionInput{Account: RootAccountID, UserName: "alice", Duration: 36 * time.Hour})
	must(t, err)
	collect := func(want int) {
		t.Helper()
		if n, err := e.s.CollectExpiredSessions(ctx); err != nil || n != want {
			t.Errorf("CollectExpiredSessions = %d, %v; want %d", n, err, want)
		}
	}
	e.clock.Advance(time.Hour)
	collect(0)
	if _, err := e.s.Lookup(ctx, short.AccessKeyID); !errors.Is(err, ErrExpiredToken) {
		t.Errorf("Lookup(expired, not collected) = %v, want ErrExpiredToken", err)
	}
	e.clock.Advance(24 * time.Hour)
	collect(1)
	must(t, e.s.meta.View(ctx, func(r meta.Reader) error {
		if _, err := r.Get(key(subSession, short.AccessKeyID)); !errors.Is(err, meta.ErrNotFound) {
			t.Errorf("collected session record: %v", err)
		}
		return nil
	}))
	if _, err := e.s.Lookup(ctx, long.AccessKeyID); err != nil {
		t.Errorf("Lookup(live session) after collection: %v", err)
	}
	e.clock.Advance(36 * time.Hour)
	collect(1)
	collect(0)
}

// TestSessionRecord_oldEncoding decodes a session record written before
// root sessions and transitive tags existed.
func TestSessionRecord_oldEncoding(t *testing.T) {
	old := append([]byte{recordV1}, `{"a":"000000000000","r":"reader","ri":"AROAEXAMPLE","n":"job","s":"AA==","tk":"AA==","t":"2026-01-02T03:04:05Z","x":"2026-01-02T04:04:05Z","tg":[{"k":"team","v":"a"}],"si":"alice"}`...)
	var rec sessionRecord
	must(t, decodeRecord(old, &rec))
	if rec.Root || rec.Transitive != nil || rec.Role != "reader" || rec.SourceIdentity != "alice" || len(rec.Tags) != 1 {
		t.Errorf("old session record = %+v", rec)
	}
}

// TestCollectSessionsEvery checks that the loop collects at once and
// stops with its context.
func TestCollectSessionsEvery(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	e.newUser(t, RootAccountID, "alice")
	sess, err := e.s.CreateSession(ctx, SessionInput{Account: RootAccountID, UserName: "alice", Duration: 15 * time.Minute})
	must(t, err)
	e.clock.Advance(25 * time.Hour)
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.s.CollectSessionsEvery(ctx, time.Hour)
	}()
	for {
		_, err := e.s.AccessKeyInfo(context.Background(), sess.AccessKeyID)
		if errors.Is(err, ErrNoSuchEntity) {
			break
		}
		must(t, err)
		runtime.Gosched()
	}
	cancel()
	<-done
}
