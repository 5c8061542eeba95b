package iam

import (
	"bytes"
	"context"
	"encoding/base32"
	"errors"
	"fmt"
	"image/png"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/coffer-s3/coffer/internal/sigv4"
	"github.com/coffer-s3/coffer/internal/sse"
)

// codeAt is what an authenticator app holding seed shows at t.
func codeAt(t testing.TB, seed []byte, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(string(seed), at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	must(t, err)
	return c
}

// steps is the time d steps of 30 s after the fake clock's now.
func (e *env) steps(d int) time.Time { return e.clock.Now().Add(time.Duration(d) * 30 * time.Second) }

// wrong returns a six-digit code other than c.
func wrong(c string) string {
	n, _ := strconv.Atoi(c)
	return fmt.Sprintf("%06d", (n+1)%1_000_000)
}

// newDevice creates a virtual device at the root path.
func (e *env) newDevice(t testing.TB, account, name string) VirtualMFADevice {
	t.Helper()
	d, err := e.s.CreateVirtualMFADevice(context.Background(), account, name, "", nil)
	must(t, err)
	return d
}

// enable assigns d to user with the codes of the previous and current
// steps, as a person reading an app would.
func (e *env) enable(t testing.TB, account, user string, d VirtualMFADevice) {
	t.Helper()
	must(t, e.s.EnableMFADevice(context.Background(), account, user, d.SerialNumber,
		codeAt(t, d.Base32StringSeed, e.steps(-1)), codeAt(t, d.Base32StringSeed, e.steps(0))))
}

// principal returns the principal of an access key.
func (e *env) principal(t testing.TB, accessKey string) sigv4.Principal {
	t.Helper()
	c, err := e.s.Lookup(context.Background(), accessKey)
	must(t, err)
	return c.Principal
}

func TestCreateVirtualMFADevice(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	d, err := e.s.CreateVirtualMFADevice(ctx, RootAccountID, "alice-phone", "/eng/", []Tag{{Key: "team", Value: "s3"}})
	must(t, err)
	if want := "arn:aws:iam::000000000000:mfa/eng/alice-phone"; d.SerialNumber != want {
		t.Errorf("SerialNumber = %q, want %q", d.SerialNumber, want)
	}
	if len(d.Base32StringSeed) != 64 {
		t.Errorf("seed has %d Base32 characters, want 64 as AWS", len(d.Base32StringSeed))
	}
	if raw, err := base32.StdEncoding.DecodeString(string(d.Base32StringSeed)); err != nil || len(raw) != 40 {
		t.Errorf("seed decodes to %d bytes (%v), want 40", len(raw), err)
	}
	img, err := png.Decode(bytes.NewReader(d.QRCodePNG))
	if err != nil {
		t.Fatalf("QRCodePNG is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != qrSize || b.Dy() != qrSize {
		t.Errorf("QR image is %v", b)
	}
	d2 := e.newDevice(t, RootAccountID, "bob")
	if bytes.Equal(d.Base32StringSeed, d2.Base32StringSeed) {
		t.Error("two devices share a seed")
	}
	if want := "arn:aws:iam::000000000000:mfa/bob"; d2.SerialNumber != want {
		t.Errorf("SerialNumber = %q, want %q", d2.SerialNumber, want)
	}

	tests := []struct {
		name, device, path string
		account            string
		want               error
	}{
		{"same path and name", "alice-phone", "/eng/", RootAccountID, ErrEntityAlreadyExists},
		{"names are case-insensitive", "ALICE-phone", "/eng/", RootAccountID, ErrEntityAlreadyExists},
		{"other path", "alice-phone", "/ops/", RootAccountID, nil},
		{"bad name", "alice phone", "", RootAccountID, ErrValidation},
		{"empty name", "", "", RootAccountID, ErrValidation},
		{"long name", strings.Repeat("a", 227), "", RootAccountID, ErrValidation},
		{"bad path", "x", "eng", RootAccountID, ErrValidation},
		{"no such account", "x", "", "123456789012", ErrNoSuchEntity},
	}
	for _, tt := range tests {
		_, err := e.s.CreateVirtualMFADevice(ctx, tt.account, tt.device, tt.path, nil)
		wantErr(t, tt.name, err, tt.want)
	}
}

func TestOtpauthURI(t *testing.T) {
	e := newEnv(t)
	seed := bytes.Repeat([]byte{0xff}, totpSeedBytes)
	if got, want := otpauthURI("bob", RootAccountID, seed), "otpauth://totp/coffer:bob@000000000000?secret="+strings.Repeat("7", 64)+"&issuer=coffer"; got != want {
		t.Errorf("otpauthURI = %q, want %q", got, want)
	}
	// The label names the account by its alias when it has one.
	must(t, e.s.CreateAccountAlias(context.Background(), RootAccountID, "acme"))
	d := e.newDevice(t, RootAccountID, "bob")
	if len(d.QRCodePNG) == 0 {
		t.Fatal("no QR code")
	}
	if got := otpauthURI("bob", "acme", seed); !strings.HasPrefix(got, "otpauth://totp/coffer:bob@acme?secret=") {
		t.Errorf("otpauthURI = %q", got)
	}
}

func TestEnableMFADevice(t *testing.T) {
	tests := []struct {
		name         string
		step1, step2 int // steps of the two codes, relative to now
		garble       bool
		code1        string // overrides the computed code
		want         error
	}{
		{name: "previous and current", step1: -1, step2: 0},
		{name: "current and next", step1: 0, step2: 1},
		{name: "submitted five minutes late", step1: -11, step2: -10},
		{name: "device clock nine minutes ahead", step1: 17, step2: 18},
		{name: "same step twice", step1: 0, step2: 0, want: ErrInvalidAuthenticationCode},
		{name: "not consecutive", step1: -2, step2: 0, want: ErrInvalidAuthenticationCode},
		{name: "reversed", step1: 0, step2: -1, want: ErrInvalidAuthenticationCode},
		{name: "too old", step1: -22, step2: -21, want: ErrInvalidAuthenticationCode},
		{name: "wrong code", step1: -1, step2: 0, garble: true, want: ErrInvalidAuthenticationCode},
		{name: "five digits", code1: "12345", want: ErrValidation},
		{name: "not digits", code1: "12345a", want: ErrValidation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.newUser(t, RootAccountID, "alice")
			d := e.newDevice(t, RootAccountID, "alice")
			c1, c2 := codeAt(t, d.Base32StringSeed, e.steps(tt.step1)), codeAt(t, d.Base32StringSeed, e.steps(tt.step2))
			if tt.garble {
				c2 = wrong(c2)
			}
			if tt.code1 != "" {
				c1 = tt.code1
			}
			err := e.s.EnableMFADevice(context.Background(), RootAccountID, "alice", d.SerialNumber, c1, c2)
			wantErr(t, "EnableMFADevice", err, tt.want)
			if errors.Is(err, ErrInvalidAuthenticationCode) && ErrorMessage(err) != "Authentication code for device is not valid." {
				t.Errorf("message = %q", ErrorMessage(err))
			}
			devs, _, lerr := e.s.ListMFADevices(context.Background(), RootAccountID, "alice", ListOptions{})
			must(t, lerr)
			if (err == nil) != (len(devs) == 1) {
				t.Errorf("after %v, alice has %d devices", err, len(devs))
			}
		})
	}
}

func TestEnableMFADevice_errors(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.newUser(t, RootAccountID, "alice")
	e.newUser(t, RootAccountID, "bob")
	d := e.newDevice(t, RootAccountID, "alice")
	c1, c2 := codeAt(t, d.Base32StringSeed, e.steps(-1)), codeAt(t, d.Base32StringSeed, e.steps(0))
	other, _, _, err := e.s.CreateAccount(ctx, "other")
	must(t, err)
	foreign := e.newDevice(t, other.ID, "carol")

	wantErr(t, "no such user", e.s.EnableMFADevice(ctx, RootAccountID, "nobody", d.SerialNumber, c1, c2), ErrNoSuchEntity)
	wantErr(t, "no such device", e.s.EnableMFADevice(ctx, RootAccountID, "alice", "arn:aws:iam::000000000000:mfa/none", c1, c2), ErrNoSuchEntity)
	wantErr(t, "hardware serial", e.s.EnableMFADevice(ctx, RootAccountID, "alice", "GAHT12345678", c1, c2), ErrNoSuchEntity)
	wantErr(t, "another account's device", e.s.EnableMFADevice(ctx, RootAccountID, "alice", foreign.SerialNumber, c1, c2), ErrNoSuchEntity)
	e.enable(t, RootAccountID, "alice", d)
	e.clock.Advance(time.Minute)
	err = e.s.EnableMFADevice(ctx, RootAccountID, "bob", d.SerialNumber,
		codeAt(t, d.Base32StringSeed, e.steps(-1)), codeAt(t, d.Base32StringSeed, e.steps(0)))
	wantErr(t, "already assigned", err, ErrEntityAlreadyExists)
}

func TestEnableMFADevice_limit(t *testing.T) {
	e := newEnv(t)
	e.newUser(t, RootAccountID, "alice")
	for i := range maxMFADevicesPerUser {
		e.enable(t, RootAccountID, "alice", e.newDevice(t, RootAccountID, fmt.Sprint("d", i)))
	}
	d := e.newDevice(t, RootAccountID, "ninth")
	err := e.s.EnableMFADevice(context.Background(), RootAccountID, "alice", d.SerialNumber,
		codeAt(t, d.Base32StringSeed, e.steps(-1)), codeAt(t, d.Base32StringSeed, e.steps(0)))
	wantErr(t, "ninth device", err, ErrLimitExceeded)
	if msg := ErrorMessage(err); msg != "Cannot exceed quota for MFADevicesPerUser: 8" {
		t.Errorf("message = %q", msg)
	}
	// The root user has a quota of its own.
	e.enable(t, RootAccountID, "", d)
}

func TestVerifyMFA(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	aliceKey, _ := e.newUser(t, RootAccountID, "alice")
	bobKey, _ := e.newUser(t, RootAccountID, "bob")
	alice, bob, root := e.principal(t, aliceKey), e.principal(t, bobKey), e.principal(t, testRootKey)
	d := e.newDevice(t, RootAccountID, "alice")
	rd := e.newDevice(t, RootAccountID, "root-account-mfa-device")
	unassigned := e.newDevice(t, RootAccountID, "spare")
	e.enable(t, RootAccountID, "alice", d)
	e.enable(t, RootAccountID, "", rd)
	e.clock.Advance(2 * time.Minute)
	role := sigv4.Principal{AccountID: RootAccountID, Name: "alice", RoleARN: "arn:aws:iam::000000000000:role/r", ARN: "arn:aws:sts::000000000000:assumed-role/r/alice"}

	seed := d.Base32StringSeed
	tests := []struct {
		name    string
		caller  sigv4.Principal
		serial  string
		code    string
		want    error
		wantMsg string
	}{
		{"current code", alice, d.SerialNumber, codeAt(t, seed, e.steps(0)), nil, ""},
		{"replayed", alice, d.SerialNumber, codeAt(t, seed, e.steps(0)), ErrMFAFailed, msgMFABadCode},
		{"earlier step than one used", alice, d.SerialNumber, codeAt(t, seed, e.steps(-1)), ErrMFAFailed, msgMFABadCode},
		{"two steps ahead", alice, d.SerialNumber, codeAt(t, seed, e.steps(2)), ErrMFAFailed, msgMFABadCode},
		{"next step (skew)", alice, d.SerialNumber, codeAt(t, seed, e.steps(1)), nil, ""},
		{"wrong code", alice, d.SerialNumber, wrong(codeAt(t, seed, e.steps(0))), ErrMFAFailed, msgMFABadCode},
		{"another user's device", bob, d.SerialNumber, codeAt(t, seed, e.steps(1)), ErrMFAFailed, msgMFABadSerial},
		{"root with a user's device", root, d.SerialNumber, codeAt(t, seed, e.steps(1)), ErrMFAFailed, msgMFABadSerial},
		{"role session", role, d.SerialNumber, codeAt(t, seed, e.steps(1)), ErrMFAFailed, msgMFABadSerial},
		{"anonymous", sigv4.Principal{Anonymous: true}, d.SerialNumber, codeAt(t, seed, e.steps(1)), ErrMFAFailed, msgMFABadSerial},
		{"unassigned device", alice, unassigned.SerialNumber, codeAt(t, unassigned.Base32StringSeed, e.steps(0)), ErrMFAFailed, msgMFABadSerial},
		{"no such device", alice, "arn:aws:iam::000000000000:mfa/none", "123456", ErrMFAFailed, msgMFABadSerial},
		{"user ARN as serial", alice, alice.ARN, "123456", ErrMFAFailed, msgMFABadSerial},
		{"malformed code", alice, d.SerialNumber, "12345", ErrValidation, ""},
		{"root's own device", root, rd.SerialNumber, codeAt(t, rd.Base32StringSeed, e.steps(0)), nil, ""},
	}
	for _, tt := range tests {
		err := e.s.VerifyMFA(ctx, tt.caller, tt.serial, tt.code)
		wantErr(t, tt.name, err, tt.want)
		if tt.wantMsg != "" && ErrorMessage(err) != tt.wantMsg {
			t.Errorf("%s: message = %q, want %q", tt.name, ErrorMessage(err), tt.wantMsg)
		}
	}

	// Replay protection is durable: a store opened anew on the same meta
	// refuses the code used last.
	s2, err := New(Options{Meta: e.meta, Keyring: e.s.keyring, Clock: e.clock})
	must(t, err)
	err = s2.VerifyMFA(ctx, alice, d.SerialNumber, codeAt(t, seed, e.steps(1)))
	wantErr(t, "replay after restart", err, ErrMFAFailed)
	e.clock.Advance(time.Minute)
	must(t, s2.VerifyMFA(ctx, alice, d.SerialNumber, codeAt(t, seed, e.steps(0))))
}

// TestVerifyMFA_concurrentReplay sends one code many times at once:
// exactly one is accepted.
func TestVerifyMFA_concurrentReplay(t *testing.T) {
	e := newEnv(t)
	key, _ := e.newUser(t, RootAccountID, "alice")
	alice := e.principal(t, key)
	d := e.newDevice(t, RootAccountID, "alice")
	e.enable(t, RootAccountID, "alice", d)
	e.clock.Advance(time.Minute)
	code := codeAt(t, d.Base32StringSeed, e.steps(0))
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range 8 {
		wg.Go(func() {
			err := e.s.VerifyMFA(context.Background(), alice, d.SerialNumber, code)
			if err != nil && !errors.Is(err, ErrMFAFailed) {
				t.Error(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				ok++
			}
		})
	}
	wg.Wait()
	if ok != 1 {
		t.Errorf("%d of 8 concurrent uses of one code accepted, want 1", ok)
	}
}

func TestResyncMFADevice(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	key, _ := e.newUser(t, RootAccountID, "alice")
	e.newUser(t, RootAccountID, "bob")
	alice := e.principal(t, key)
	d := e.newDevice(t, RootAccountID, "alice")
	seed := d.Base32StringSeed
	e.enable(t, RootAccountID, "alice", d)

	// The device's clock runs four minutes (eight steps) ahead.
	e.clock.Advance(time.Minute)
	wantErr(t, "drifted code", e.s.VerifyMFA(ctx, alice, d.SerialNumber, codeAt(t, seed, e.steps(8))), ErrMFAFailed)
	wantErr(t, "resync not consecutive", e.s.ResyncMFADevice(ctx, RootAccountID, "alice", d.SerialNumber,
		codeAt(t, seed, e.steps(6)), codeAt(t, seed, e.steps(8))), ErrInvalidAuthenticationCode)
	wantErr(t, "resync as another user", e.s.ResyncMFADevice(ctx, RootAccountID, "bob", d.SerialNumber,
		codeAt(t, seed, e.steps(7)), codeAt(t, seed, e.steps(8))), ErrNoSuchEntity)
	wantErr(t, "resync malformed", e.s.ResyncMFADevice(ctx, RootAccountID, "alice", d.SerialNumber, "1", "2"), ErrValidation)
	must(t, e.s.ResyncMFADevice(ctx, RootAccountID, "alice", d.SerialNumber,
		codeAt(t, seed, e.steps(7)), codeAt(t, seed, e.steps(8))))
	wantErr(t, "code used by resync", e.s.VerifyMFA(ctx, alice, d.SerialNumber, codeAt(t, seed, e.steps(8))), ErrMFAFailed)
	e.clock.Advance(30 * time.Second)
	must(t, e.s.VerifyMFA(ctx, alice, d.SerialNumber, codeAt(t, seed, e.steps(8))))
	wantErr(t, "undrifted code after resync", e.s.VerifyMFA(ctx, alice, d.SerialNumber, codeAt(t, seed, e.steps(0))), ErrMFAFailed)
}

func TestMFADevice_deactivateAndDelete(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	key, _ := e.newUser(t, RootAccountID, "alice")
	alice := e.principal(t, key)
	d := e.newDevice(t, RootAccountID, "alice")
	e.enable(t, RootAccountID, "alice", d)

	err := e.s.DeleteVirtualMFADevice(ctx, RootAccountID, d.SerialNumber)
	wantErr(t, "delete assigned device", err, ErrDeleteConflict)
	err = e.s.DeleteUser(ctx, RootAccountID, "alice")
	wantErr(t, "delete user with a device", err, ErrDeleteConflict)
	if msg := ErrorMessage(err); msg != "Cannot delete entity, must delete MFA device first." {
		t.Errorf("DeleteUser message = %q", msg)
	}
	wantErr(t, "deactivate as root", e.s.DeactivateMFADevice(ctx, RootAccountID, "", d.SerialNumber), ErrNoSuchEntity)
	wantErr(t, "deactivate for no such user", e.s.DeactivateMFADevice(ctx, RootAccountID, "nobody", d.SerialNumber), ErrNoSuchEntity)
	must(t, e.s.DeactivateMFADevice(ctx, RootAccountID, "alice", d.SerialNumber))
	wantErr(t, "deactivate twice", e.s.DeactivateMFADevice(ctx, RootAccountID, "alice", d.SerialNumber), ErrNoSuchEntity)
	e.clock.Advance(time.Minute)
	wantErr(t, "verify with deactivated device", e.s.VerifyMFA(ctx, alice, d.SerialNumber, codeAt(t, d.Base32StringSeed, e.steps(0))), ErrMFAFailed)
	devs, _, err := e.s.ListMFADevices(ctx, RootAccountID, "alice", ListOptions{})
	must(t, err)
	if len(devs) != 0 {
		t.Errorf("ListMFADevices after deactivate = %+v", devs)
	}
	must(t, e.s.DeleteVirtualMFADevice(ctx, RootAccountID, d.SerialNumber))
	wantErr(t, "delete twice", e.s.DeleteVirtualMFADevice(ctx, RootAccountID, d.SerialNumber), ErrNoSuchEntity)
	must(t, e.s.DeleteAccessKey(ctx, RootAccountID, "alice", key))
	must(t, e.s.DeleteUser(ctx, RootAccountID, "alice"))
	// The name is free again, with a new seed.
	d2 := e.newDevice(t, RootAccountID, "alice")
	if bytes.Equal(d2.Base32StringSeed, d.Base32StringSeed) {
		t.Error("a re-created device got the old seed")
	}
}

func TestListMFADevices(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.newUser(t, RootAccountID, "alice")
	for _, n := range []string{"c", "a", "b"} {
		e.enable(t, RootAccountID, "alice", e.newDevice(t, RootAccountID, n))
	}
	var got []string
	o := ListOptions{MaxItems: 2}
	for {
		devs, page, err := e.s.ListMFADevices(ctx, RootAccountID, "ALICE", o)
		must(t, err)
		for _, d := range devs {
			if d.UserName != "alice" || !d.EnableDate.Equal(testEpoch) {
				t.Errorf("device %+v", d)
			}
			got = append(got, d.SerialNumber)
		}
		if !page.IsTruncated {
			break
		}
		o.Marker = page.Marker
	}
	want := "arn:aws:iam::000000000000:mfa/a arn:aws:iam::000000000000:mfa/b arn:aws:iam::000000000000:mfa/c"
	if strings.Join(got, " ") != want {
		t.Errorf("ListMFADevices = %v", got)
	}
	_, _, err := e.s.ListMFADevices(ctx, RootAccountID, "nobody", ListOptions{})
	wantErr(t, "no such user", err, ErrNoSuchEntity)
	root, _, err := e.s.ListMFADevices(ctx, RootAccountID, "", ListOptions{})
	must(t, err)
	if len(root) != 0 {
		t.Errorf("root devices = %+v", root)
	}
}

func TestListVirtualMFADevices(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.newUser(t, RootAccountID, "alice")
	e.enable(t, RootAccountID, "alice", e.newDevice(t, RootAccountID, "a"))
	e.enable(t, RootAccountID, "", e.newDevice(t, RootAccountID, "root-account-mfa-device"))
	e.newDevice(t, RootAccountID, "spare")
	tests := []struct {
		status AssignmentStatus
		want   string
	}{
		{"", "a root-account-mfa-device spare"},
		{AssignmentAny, "a root-account-mfa-device spare"},
		{AssignmentAssigned, "a root-account-mfa-device"},
		{AssignmentUnassigned, "spare"},
	}
	for _, tt := range tests {
		devs, _, err := e.s.ListVirtualMFADevices(ctx, RootAccountID, tt.status, ListOptions{})
		must(t, err)
		var names []string
		for _, d := range devs {
			names = append(names, d.Name)
			if len(d.Base32StringSeed) != 0 || len(d.QRCodePNG) != 0 {
				t.Errorf("%s listed with its seed", d.Name)
			}
			switch d.Name {
			case "a":
				if d.User == nil || d.User.Name != "alice" || d.User.ARN != "arn:aws:iam::000000000000:user/alice" || d.EnableDate.IsZero() {
					t.Errorf("device a: %+v, user %+v", d, d.User)
				}
			case "root-account-mfa-device":
				if d.User == nil || d.User.ARN != "arn:aws:iam::000000000000:root" || d.User.ID != RootAccountID {
					t.Errorf("root device user %+v", d.User)
				}
			case "spare":
				if d.User != nil || !d.EnableDate.IsZero() {
					t.Errorf("spare: %+v", d)
				}
			}
		}
		if got := strings.Join(names, " "); got != tt.want {
			t.Errorf("ListVirtualMFADevices(%q) = %q, want %q", tt.status, got, tt.want)
		}
	}
	devs, page, err := e.s.ListVirtualMFADevices(ctx, RootAccountID, "", ListOptions{MaxItems: 2})
	must(t, err)
	if len(devs) != 2 || !page.IsTruncated {
		t.Fatalf("first page: %d devices, %+v", len(devs), page)
	}
	devs, page, err = e.s.ListVirtualMFADevices(ctx, RootAccountID, "", ListOptions{MaxItems: 2, Marker: page.Marker})
	must(t, err)
	if len(devs) != 1 || devs[0].Name != "spare" || page.IsTruncated {
		t.Errorf("second page: %+v, %+v", devs, page)
	}
	_, _, err = e.s.ListVirtualMFADevices(ctx, RootAccountID, "assigned", ListOptions{})
	wantErr(t, "bad status", err, ErrValidation)
}

func TestMFADevice_followsRenamedUser(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.newUser(t, RootAccountID, "alice")
	d := e.newDevice(t, RootAccountID, "alice")
	e.enable(t, RootAccountID, "alice", d)
	must(t, e.s.UpdateUser(ctx, RootAccountID, "alice", "alicia", ""))
	devs, _, err := e.s.ListMFADevices(ctx, RootAccountID, "alicia", ListOptions{})
	must(t, err)
	if len(devs) != 1 || devs[0].UserName != "alicia" {
		t.Fatalf("alicia's devices = %+v", devs)
	}
	keys, _, err := e.s.ListAccessKeys(ctx, RootAccountID, "alicia", ListOptions{})
	must(t, err)
	alicia := e.principal(t, keys[0].AccessKeyID)
	e.clock.Advance(time.Minute)
	must(t, e.s.VerifyMFA(ctx, alicia, d.SerialNumber, codeAt(t, d.Base32StringSeed, e.steps(0))))
	wantErr(t, "delete renamed user", e.s.DeleteUser(ctx, RootAccountID, "alicia"), ErrDeleteConflict)
	must(t, e.s.DeactivateMFADevice(ctx, RootAccountID, "alicia", d.SerialNumber))
}

// TestVerifyMFA_guessingLimit: after ten wrong codes in five minutes even
// the right code is refused until the window ends, on every node sharing
// the meta store; others' devices are not affected.
func TestVerifyMFA_guessingLimit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	aliceKey, _ := e.newUser(t, RootAccountID, "alice")
	bobKey, _ := e.newUser(t, RootAccountID, "bob")
	alice, bob := e.principal(t, aliceKey), e.principal(t, bobKey)
	d, bd := e.newDevice(t, RootAccountID, "alice"), e.newDevice(t, RootAccountID, "bob")
	e.enable(t, RootAccountID, "alice", d)
	e.enable(t, RootAccountID, "bob", bd)
	// Start at the beginning of a five-minute window.
	e.clock.Set(time.Unix((totpStep(e.clock.Now())/mfaFailureWindow+1)*mfaFailureWindow*totpPeriod, 0))
	right := codeAt(t, d.Base32StringSeed, e.steps(0))
	// Half the wrong codes go to this store, half to another on the same
	// meta store (another node, or this one after a restart): the count
	// is one.
	kr, err := sse.LoadKeyringFile(filepath.Join(e.dir, "master.key"))
	must(t, err)
	other, err := New(Options{Meta: e.meta, Keyring: kr, Clock: e.clock, Region: "us-east-1"})
	must(t, err)
	for i := range mfaMaxFailures {
		s := e.s
		if i%2 == 1 {
			s = other
		}
		wantErr(t, "wrong code", s.VerifyMFA(ctx, alice, d.SerialNumber, wrong(right)), ErrMFAFailed)
	}
	wantErr(t, "right code after ten wrong ones", e.s.VerifyMFA(ctx, alice, d.SerialNumber, right), ErrMFAFailed)
	wantErr(t, "right code after ten wrong ones, on the other node", other.VerifyMFA(ctx, alice, d.SerialNumber, right), ErrMFAFailed)
	must(t, e.s.VerifyMFA(ctx, bob, bd.SerialNumber, codeAt(t, bd.Base32StringSeed, e.steps(0))))
	e.clock.Advance(mfaFailureWindow * totpPeriod * time.Second)
	must(t, e.s.VerifyMFA(ctx, alice, d.SerialNumber, codeAt(t, d.Base32StringSeed, e.steps(0))))
}

func FuzzParseSerial(f *testing.F) {
	for _, s := range []string{
		"arn:aws:iam::123456789012:mfa/BobsMFADevice", "arn:aws:iam::123456789012:mfa/eng/bob",
		"arn:aws:iam::123456789012:mfa/root-account-mfa-device", "arn:aws:iam::123456789012:user/bob",
		"arn:aws:iam::1:mfa/x", "arn:aws:iam::123456789012:mfa/", "GAHT12345678", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, serial string) {
		account, device, ok := parseSerial(serial)
		if !ok {
			return
		}
		rest, found := strings.CutPrefix(serial, "arn:aws:iam::"+account+":mfa/")
		if !found || lower(rest) != device || device == "" || strings.ContainsRune(device, 0) {
			t.Errorf("parseSerial(%q) = %q, %q", serial, account, device)
		}
	})
}

// TestVerifyRootMFA checks the codes S3's MFA Delete sends: only the
// account root's own device counts, and each code works once.
func TestVerifyRootMFA(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.newUser(t, RootAccountID, "alice")
	rd := e.newDevice(t, RootAccountID, "root-device")
	ud := e.newDevice(t, RootAccountID, "alice-phone")
	e.enable(t, RootAccountID, "", rd)
	e.enable(t, RootAccountID, "alice", ud)
	e.clock.Advance(time.Minute)
	code := codeAt(t, rd.Base32StringSeed, e.steps(0))
	tests := []struct {
		name                  string
		account, serial, code string
		want                  bool
	}{
		{"a user's device", RootAccountID, ud.SerialNumber, codeAt(t, ud.Base32StringSeed, e.steps(0)), false},
		{"another account", "111111111111", rd.SerialNumber, code, false},
		{"not six digits", RootAccountID, rd.SerialNumber, "12345", false},
		{"wrong code", RootAccountID, rd.SerialNumber, wrong(code), false},
		{"unknown serial", RootAccountID, "20899872", code, false},
		{"root's code", RootAccountID, rd.SerialNumber, code, true},
		{"replayed", RootAccountID, rd.SerialNumber, code, false},
	}
	for _, tc := range tests {
		got, err := e.s.VerifyRootMFA(ctx, tc.account, tc.serial, tc.code)
		if err != nil || got != tc.want {
			t.Errorf("%s: VerifyRootMFA = %v, %v; want %v", tc.name, got, err, tc.want)
		}
	}
}

// TestVerifyRootMFA_concurrent sends one code from many requests at once:
// exactly one is accepted.
func TestVerifyRootMFA_concurrent(t *testing.T) {
	e := newEnv(t)
	rd := e.newDevice(t, RootAccountID, "root-device")
	e.enable(t, RootAccountID, "", rd)
	e.clock.Advance(time.Minute)
	code := codeAt(t, rd.Base32StringSeed, e.steps(0))
	const n = 8
	var wg sync.WaitGroup
	results := make(chan bool, n)
	for range n {
		wg.Go(func() {
			ok, err := e.s.VerifyRootMFA(context.Background(), RootAccountID, rd.SerialNumber, code)
			if err != nil {
				t.Error(err)
			}
			results <- ok
		})
	}
	wg.Wait()
	close(results)
	accepted := 0
	for ok := range results {
		if ok {
			accepted++
		}
	}
	if accepted != 1 {
		t.Errorf("one code sent %d times at once was accepted %d times, want once", n, accepted)
	}
}
