package iam

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"image/png"
	"net/url"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
)

// TOTP parameters of AWS virtual MFA devices (RFC 6238): HMAC-SHA-1, six
// digits, 30-second steps. AWS seeds are 64 Base32 characters, 40 bytes.
const (
	totpPeriod    = 30
	totpSeedBytes = 40
	// totpSkew is how many steps a code may be off the device's expected
	// step when it is used to authenticate (RFC 6238 section 5.2
	// recommends one step of network delay).
	totpSkew = 1
	// totpSearchSteps is how far from now Enable and Resync look for two
	// consecutive codes: ten minutes either way, so a slow user or a
	// drifted device clock is found, while a guess of both codes stays
	// at about 41 in 10^12.
	totpSearchSteps = 20
	// qrIssuer is the issuer an authenticator app shows for the device,
	// where AWS writes "Amazon Web Services".
	qrIssuer = "coffer"
	qrSize   = 256
)

// totpStep is the RFC 6238 time step (counter) at t.
func totpStep(t time.Time) int64 { return t.Unix() / totpPeriod }

// newSeed returns a fresh random seed.
func newSeed() []byte {
	seed := make([]byte, totpSeedBytes)
	rand.Read(seed)
	return seed
}

// base32Seed is the seed as AWS returns it in Base32StringSeed: RFC 4648
// Base32 (40 bytes need no padding).
func base32Seed(seed []byte) string { return base32.StdEncoding.EncodeToString(seed) }

// totpCode returns the six-digit code of seed at step.
func totpCode(seed []byte, step int64) string {
	code, err := hotp.GenerateCodeCustom(base32Seed(seed), uint64(step), hotp.ValidateOpts{
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		// The seed is our own Base32 encoding: it always decodes.
		panic("iam: totp code: " + err.Error())
	}
	return code
}

// codeMatches compares codes in constant time.
func codeMatches(seed []byte, step int64, code string) bool {
	return subtle.ConstantTimeCompare([]byte(totpCode(seed, step)), []byte(code)) == 1
}

// findStep returns the step in [from, to] whose code is code, and false if
// none is.
func findStep(seed []byte, from, to int64, code string) (int64, bool) {
	for s := from; s <= to; s++ {
		if s >= 0 && codeMatches(seed, s, code) {
			return s, true
		}
	}
	return 0, false
}

// findPair returns the step of code2 when code1 and code2 are the codes
// of two consecutive steps, code2's in [from, to].
func findPair(seed []byte, from, to int64, code1, code2 string) (int64, bool) {
	for s := from; s <= to; s++ {
		if s >= 1 && codeMatches(seed, s, code2) && codeMatches(seed, s-1, code1) {
			return s, true
		}
	}
	return 0, false
}

// validCode reports whether code has the form AWS requires of
// AuthenticationCode1/2 and TokenCode: six decimal digits.
func validCode(code string) bool {
	if len(code) != 6 {
		return false
	}
	for _, c := range []byte(code) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// otpauthURI is the URI in the QR code, laid out as AWS lays it out:
// otpauth://totp/ISSUER:DEVICE@ACCOUNT?secret=SEED&issuer=ISSUER, where
// ACCOUNT is the account alias or, without one, the account id.
func otpauthURI(device, account string, seed []byte) string {
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + qrIssuer + ":" + device + "@" + account,
		RawQuery: "secret=" + base32Seed(seed) + "&issuer=" + url.QueryEscape(qrIssuer)}
	return u.String()
}

// errQRCode hides the cause of a failed rendering: the library's errors
// may quote the URI, which holds the seed.
var errQRCode = errors.New("iam: cannot render the MFA QR code")

// qrPNG renders uri as a QR code PNG.
func qrPNG(uri string) ([]byte, error) {
	key, err := otp.NewKeyFromURL(uri)
	if err != nil {
		return nil, errQRCode
	}
	img, err := key.Image(qrSize, qrSize)
	if err != nil {
		return nil, errQRCode
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, errQRCode
	}
	return b.Bytes(), nil
}
