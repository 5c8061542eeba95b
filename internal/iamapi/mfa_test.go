package iamapi

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"regexp"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// totpAt is what an authenticator app holding the Base32 seed shows at t.
func totpAt(t *testing.T, seed string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(seed, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var (
	seedRE = regexp.MustCompile(`<Base32StringSeed>([^<]+)</Base32StringSeed>`)
	qrRE   = regexp.MustCompile(`<QRCodePNG>([^<]+)</QRCodePNG>`)
)

// newMFA creates a device and returns its Base32 seed, checking that the
// seed and QR code are base64 as AWS sends them.
func (e *wireEnv) newMFA(t *testing.T, params string) string {
	t.Helper()
	out, qe := e.callRaw(t, e.root, "CreateVirtualMFADevice", params)
	if qe != nil {
		t.Fatal(qe)
	}
	m, q := seedRE.FindStringSubmatch(out), qrRE.FindStringSubmatch(out)
	if m == nil || q == nil {
		t.Fatalf("CreateVirtualMFADevice = %s, want a seed and a QR code", out)
	}
	seed, err := base64.StdEncoding.DecodeString(m[1])
	if err != nil || !regexp.MustCompile(`^[A-Z2-7]{64}$`).Match(seed) {
		t.Fatalf("Base32StringSeed %q decodes to %q (%v), want 64 Base32 characters", m[1], seed, err)
	}
	img, err := base64.StdEncoding.DecodeString(q[1])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(img)); err != nil {
		t.Fatalf("QRCodePNG is not a PNG: %v", err)
	}
	return string(seed)
}

func TestMFAActions(t *testing.T) {
	e := newWireEnv(t)
	a := e.root.AccountID
	e.must(t, e.root, "CreateUser", "UserName=Bob")
	seed := e.newMFA(t, "VirtualMFADeviceName=bob-phone&Path=/eng/")
	serial := "arn:aws:iam::" + a + ":mfa/eng/bob-phone"
	now := e.clock.Now()
	c1, c2 := totpAt(t, seed, now.Add(-30*time.Second)), totpAt(t, seed, now)
	runSteps(t, e, []step{
		{action: "CreateVirtualMFADevice", params: "VirtualMFADeviceName=bob-phone&Path=/eng/", code: "EntityAlreadyExists"},
		{action: "CreateVirtualMFADevice", code: "MissingParameter"},
		{action: "ListVirtualMFADevices",
			want: `<ListVirtualMFADevicesResult><VirtualMFADevices><member><SerialNumber>` + serial + `</SerialNumber></member></VirtualMFADevices><IsTruncated>false</IsTruncated></ListVirtualMFADevicesResult>`},
		{action: "ListVirtualMFADevices", params: "AssignmentStatus=Assigned",
			want: `<ListVirtualMFADevicesResult><VirtualMFADevices></VirtualMFADevices><IsTruncated>false</IsTruncated></ListVirtualMFADevicesResult>`},
		{action: "ListVirtualMFADevices", params: "AssignmentStatus=Some", code: "ValidationError"},
		{action: "EnableMFADevice", params: "UserName=Bob&SerialNumber=" + serial + "&AuthenticationCode1=12345&AuthenticationCode2=123456", code: "ValidationError"},
		{action: "EnableMFADevice", params: "UserName=Bob&SerialNumber=" + serial + "&AuthenticationCode1=" + c2 + "&AuthenticationCode2=" + c1, code: "InvalidAuthenticationCode"},
		{action: "EnableMFADevice", params: "UserName=Bob&SerialNumber=" + serial + "&AuthenticationCode1=" + c1 + "&AuthenticationCode2=" + c2},
		{action: "ListMFADevices", params: "UserName=Bob",
			want: `<ListMFADevicesResult><MFADevices><member><UserName>Bob</UserName><SerialNumber>` + serial + `</SerialNumber><EnableDate>` + created + `</EnableDate></member></MFADevices><IsTruncated>false</IsTruncated></ListMFADevicesResult>`},
		{action: "ListMFADevices", want: `<ListMFADevicesResult><MFADevices></MFADevices><IsTruncated>false</IsTruncated></ListMFADevicesResult>`},
		{action: "ListVirtualMFADevices", params: "AssignmentStatus=Assigned",
			want: `<ListVirtualMFADevicesResult><VirtualMFADevices><member><SerialNumber>` + serial + `</SerialNumber><User><Path>/</Path><UserName>Bob</UserName><UserId>AIDAX</UserId><Arn>arn:aws:iam::` + a + `:user/Bob</Arn><CreateDate>` + created + `</CreateDate></User><EnableDate>` + created + `</EnableDate></member></VirtualMFADevices><IsTruncated>false</IsTruncated></ListVirtualMFADevicesResult>`},
		{action: "DeleteUser", params: "UserName=Bob", code: "DeleteConflict", msg: "Cannot delete entity, must delete MFA device first."},
		{action: "DeleteVirtualMFADevice", params: "SerialNumber=" + serial, code: "DeleteConflict"},
		{action: "DeactivateMFADevice", params: "UserName=Bob&SerialNumber=" + serial},
		{action: "DeleteVirtualMFADevice", params: "SerialNumber=" + serial},
		{action: "DeleteVirtualMFADevice", params: "SerialNumber=" + serial, code: "NoSuchEntity"},
		{action: "DeleteUser", params: "UserName=Bob"},
	})
}

func TestMFAResync(t *testing.T) {
	e := newWireEnv(t)
	e.must(t, e.root, "CreateUser", "UserName=Bob")
	seed := e.newMFA(t, "VirtualMFADeviceName=bob")
	serial := "arn:aws:iam::" + e.root.AccountID + ":mfa/bob"
	now := e.clock.Now()
	e.must(t, e.root, "EnableMFADevice", "UserName=Bob&SerialNumber="+serial+"&AuthenticationCode1="+totpAt(t, seed, now.Add(-30*time.Second))+"&AuthenticationCode2="+totpAt(t, seed, now))
	e.clock.Advance(10 * time.Minute)
	now = e.clock.Now()
	runSteps(t, e, []step{
		{action: "ResyncMFADevice", params: "UserName=Bob&SerialNumber=" + serial + "&AuthenticationCode1=000000&AuthenticationCode2=000001", code: "InvalidAuthenticationCode"},
		{action: "ResyncMFADevice", params: "UserName=Bob&SerialNumber=" + serial + "&AuthenticationCode1=" + totpAt(t, seed, now) + "&AuthenticationCode2=" + totpAt(t, seed, now.Add(30*time.Second))},
	})
}

// TestMFARootDevice registers the account root's own device with
// UserName=root, as `aws iam enable-mfa-device --user-name root` does,
// and checks that no one else reaches the root's devices by that name
// and that no user may be called root.
func TestMFARootDevice(t *testing.T) {
	e := newWireEnv(t)
	a := e.root.AccountID
	e.must(t, e.root, "CreateUser", "UserName=alice")
	alice := e.userPrincipal("alice")
	seed := e.newMFA(t, "VirtualMFADeviceName=root-device")
	serial := "arn:aws:iam::" + a + ":mfa/root-device"
	now := e.clock.Now()
	c1, c2 := totpAt(t, seed, now.Add(-30*time.Second)), totpAt(t, seed, now)
	enable := "UserName=root&SerialNumber=" + serial + "&AuthenticationCode1=" + c1 + "&AuthenticationCode2=" + c2
	rootList := `<ListMFADevicesResult><MFADevices><member><SerialNumber>` + serial + `</SerialNumber><EnableDate>` + created + `</EnableDate></member></MFADevices><IsTruncated>false</IsTruncated></ListMFADevicesResult>`
	runSteps(t, e, []step{
		{action: "CreateUser", params: "UserName=root", code: "InvalidInput"},
		{action: "CreateUser", params: "UserName=ROOT", code: "InvalidInput"},
		{action: "UpdateUser", params: "UserName=alice&NewUserName=Root", code: "InvalidInput"},
		{action: "EnableMFADevice", params: enable, caller: &alice, code: "NoSuchEntity"},
		{action: "EnableMFADevice", params: enable},
		{action: "ListMFADevices", params: "UserName=root", want: rootList},
		{action: "ListMFADevices", want: rootList},
		{action: "ListMFADevices", params: "UserName=root", caller: &alice, code: "NoSuchEntity"},
		{action: "DeactivateMFADevice", params: "UserName=root&SerialNumber=" + serial, caller: &alice, code: "NoSuchEntity"},
		{action: "DeactivateMFADevice", params: "UserName=root&SerialNumber=" + serial},
		{action: "ListMFADevices", params: "UserName=root", want: `<ListMFADevicesResult><MFADevices></MFADevices><IsTruncated>false</IsTruncated></ListMFADevicesResult>`},
	})
}
