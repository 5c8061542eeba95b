package s3api

import (
	"crypto/md5"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// ssecHeaders returns SSE-C headers with prefix for key and keyMD5.
func ssecHeaders(prefix, alg, key, keyMD5 string) http.Header {
	h := http.Header{}
	for name, v := range map[string]string{sseCAlgorithm: alg, sseCKey: key, sseCKeyMD5: keyMD5} {
		if v != "" {
			h.Set(prefix+name, v)
		}
	}
	return h
}

// TestParseCustomerKey maps each malformed set of SSE-C headers to S3's
// error code and message.
func TestParseCustomerKey(t *testing.T) {
	raw := strings.Repeat("k", 32)
	sum := md5.Sum([]byte(raw))
	key, keyMD5 := base64.StdEncoding.EncodeToString([]byte(raw)), base64.StdEncoding.EncodeToString(sum[:])
	short := base64.StdEncoding.EncodeToString([]byte("short"))
	otherSum := md5.Sum([]byte("other"))
	tests := []struct {
		name       string
		h          http.Header
		insecure   bool
		wantKey    bool
		code, msg  string
		wantStatus int
	}{
		{name: "none", h: http.Header{}},
		{name: "valid", h: ssecHeaders(objectPrefix, "AES256", key, keyMD5), wantKey: true},
		{name: "valid copy source", h: ssecHeaders(copySourcePrefix, "AES256", key, keyMD5), wantKey: true},
		{name: "plain http", h: ssecHeaders(objectPrefix, "AES256", key, keyMD5), insecure: true,
			code: "InvalidRequest", msg: msgSSECInsecure},
		{name: "no algorithm", h: ssecHeaders(objectPrefix, "", key, keyMD5), code: "InvalidArgument", msg: msgSSECNoAlg},
		{name: "other algorithm", h: ssecHeaders(objectPrefix, "AES128", key, keyMD5), code: "InvalidEncryptionAlgorithmError",
			msg: "The encryption request you specified is not valid. The valid value is AES256."},
		{name: "no key", h: ssecHeaders(objectPrefix, "AES256", "", keyMD5), code: "InvalidArgument", msg: msgSSECNoKey},
		{name: "short key", h: ssecHeaders(objectPrefix, "AES256", short, keyMD5), code: "InvalidArgument", msg: msgSSECBadKey},
		{name: "not base64", h: ssecHeaders(objectPrefix, "AES256", "%%%", keyMD5), code: "InvalidArgument", msg: msgSSECBadKey},
		{name: "no md5", h: ssecHeaders(objectPrefix, "AES256", key, ""), code: "InvalidArgument", msg: msgSSECNoMD5},
		{name: "md5 differs", h: ssecHeaders(objectPrefix, "AES256", key, base64.StdEncoding.EncodeToString(otherSum[:])),
			code: "InvalidArgument", msg: msgSSECMD5Differ},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := objectPrefix
			if strings.Contains(tt.name, "copy source") {
				prefix = copySourcePrefix
			}
			ck, err := parseCustomerKey(tt.h, prefix, !tt.insecure)
			if tt.code == "" {
				if err != nil || (ck != nil) != tt.wantKey {
					t.Fatalf("parseCustomerKey = %v, %v; want key %v", ck, err, tt.wantKey)
				}
				if ck != nil && ck.md5 != keyMD5 {
					t.Errorf("md5 = %q, want %q", ck.md5, keyMD5)
				}
				return
			}
			ae := lookupErr(err)
			if ae.Code != tt.code || ae.Message != tt.msg || ae.Status != 400 {
				t.Errorf("error = %d %s %q, want 400 %s %q", ae.Status, ae.Code, ae.Message, tt.code, tt.msg)
			}
		})
	}
	// The object's headers do not count as a copy source's, nor back.
	if ck, err := parseCustomerKey(ssecHeaders(objectPrefix, "AES256", key, keyMD5), copySourcePrefix, true); ck != nil || err != nil {
		t.Errorf("object headers read as copy source: %v, %v", ck, err)
	}
}

// TestCheckWriteHeaders_ssecWithSSE: SSE-C together with
// x-amz-server-side-encryption is InvalidArgument, as in S3.
func TestCheckWriteHeaders_ssecWithSSE(t *testing.T) {
	h := ssecHeaders(objectPrefix, "AES256", "k", "m")
	h.Set(sseHeader, "AES256")
	ae := lookupErr(checkWriteHeaders(h))
	if ae.Code != "InvalidArgument" || !strings.Contains(ae.Message, "incompatible with the encryption method specified") {
		t.Errorf("checkWriteHeaders = %s %q", ae.Code, ae.Message)
	}
}

// FuzzParseCustomerKey: any header values give a key whose MD5 matches
// the sent one, nothing, or an S3 error answered 400.
func FuzzParseCustomerKey(f *testing.F) {
	raw := strings.Repeat("k", 32)
	sum := md5.Sum([]byte(raw))
	key, keyMD5 := base64.StdEncoding.EncodeToString([]byte(raw)), base64.StdEncoding.EncodeToString(sum[:])
	f.Add("AES256", key, keyMD5)
	f.Add("", key, keyMD5)
	f.Add("AES128", key, keyMD5)
	f.Add("AES256", "c2hvcnQ=", keyMD5)
	f.Add("AES256", "%%%", "")
	f.Add("", "", "")
	f.Fuzz(func(t *testing.T, alg, key, keyMD5 string) {
		h := http.Header{}
		h.Set(objectPrefix+sseCAlgorithm, alg)
		h.Set(objectPrefix+sseCKey, key)
		h.Set(objectPrefix+sseCKeyMD5, keyMD5)
		ck, err := parseCustomerKey(h, objectPrefix, true)
		switch {
		case err != nil:
			if ae := lookupErr(err); ae.Status != 400 {
				t.Fatalf("error %v answered %d", err, ae.Status)
			}
		case ck != nil:
			if ck.md5 != keyMD5 || alg != "AES256" {
				t.Fatalf("accepted alg %q with md5 %q, want %q", alg, ck.md5, keyMD5)
			}
		case alg != "" || key != "" || keyMD5 != "":
			t.Fatal("headers set but no key and no error")
		}
		if errors.Is(err, errHeaderNotImplemented) {
			t.Fatal("SSE-C answered as not implemented")
		}
	})
}

// lookupErr is lookupError's apiError (InternalError for no row).
func lookupErr(err error) apiError {
	ae, _ := lookupError(err)
	return ae
}
