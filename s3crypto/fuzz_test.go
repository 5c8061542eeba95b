package s3crypto

import (
	"encoding/base64"
	"maps"
	"testing"
)

// FuzzParseMetadata feeds untrusted object metadata (as a server returns
// it) to the envelope parser. Properties: no panic; an accepted envelope
// has a 12-byte IV, a bounded wrapped key and a context binding
// AES/GCM/NoPadding; and it renders back to metadata that parses to the
// same envelope.
func FuzzParseMetadata(f *testing.F) {
	iv := base64.StdEncoding.EncodeToString(kaIV())
	// The v2 envelope as the AWS encryption clients write it.
	f.Add("d3JhcHBlZA==", iv, "AES/GCM/NoPadding", "128", "kms+context", `{"aws:x-amz-cek-alg":"AES/GCM/NoPadding"}`)
	// The legacy "kms" wrap of the v1 SDKs' KMS mode.
	f.Add("d3JhcHBlZA==", iv, "AES/GCM/NoPadding", "128", "kms", `{"kms_cmk_id":"alias/x"}`)
	// A user context beside the reserved key; JSON escapes.
	f.Add("AA==", iv, "AES/GCM/NoPadding", "", "kms+context", `{"aws:x-amz-cek-alg":"AES\/GCM\/NoPadding","t\u00e9am":"blue"}`)
	f.Add("", "", "", "", "", "")
	f.Fuzz(func(t *testing.T, key, iv, cek, tagLen, wrap, matdesc string) {
		m := map[string]string{
			"x-amz-key-v2": key, "x-amz-iv": iv, "X-Amz-Cek-Alg": cek,
			"x-amz-wrap-alg": wrap, "x-amz-matdesc": matdesc,
		}
		if tagLen != "" {
			m["x-amz-tag-len"] = tagLen
		}
		e, err := parseMetadata(m)
		if err != nil {
			return
		}
		checkEnvelope(t, e)
		md, err := e.metadata(0)
		if err != nil {
			t.Fatalf("metadata() = %v", err)
		}
		e2, err := parseMetadata(md)
		if err != nil {
			t.Fatalf("parse(render(envelope)) = %v", err)
		}
		if string(e2.wrappedKey) != string(e.wrappedKey) || string(e2.iv) != string(e.iv) || !maps.Equal(e2.context, e.context) {
			t.Fatalf("round trip changed the envelope")
		}
	})
}

// FuzzParseInstruction feeds untrusted instruction files (JSON objects
// read from S3) to the parser. Properties: no panic; an accepted envelope
// is well formed.
func FuzzParseInstruction(f *testing.F) {
	iv := base64.StdEncoding.EncodeToString(kaIV())
	// As the Java client writes it, the tag length a number.
	f.Add([]byte(`{"x-amz-key-v2":"d3JhcHBlZA==","x-amz-iv":"` + iv + `","x-amz-cek-alg":"AES/GCM/NoPadding","x-amz-tag-len":128,"x-amz-wrap-alg":"kms+context","x-amz-matdesc":"{\"aws:x-amz-cek-alg\":\"AES/GCM/NoPadding\"}"}`))
	// The v1 instruction file of the legacy clients.
	f.Add([]byte(`{"x-amz-key":"d3JhcHBlZA==","x-amz-iv":"AAAAAAAAAAAAAAAAAAAAAA==","x-amz-matdesc":"{}"}`))
	f.Add([]byte(`{} {}`))
	f.Add([]byte(`{"x-amz-tag-len":1e400}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := parseInstruction(b)
		if err != nil {
			return
		}
		checkEnvelope(t, e)
	})
}

func checkEnvelope(t *testing.T, e *envelope) {
	t.Helper()
	if len(e.iv) != ivSize || len(e.wrappedKey) == 0 || len(e.wrappedKey) > maxWrappedKey || e.context[cekContextKey] != CEKAlgorithm {
		t.Fatalf("accepted a malformed envelope: iv %d bytes, key %d bytes, context %v", len(e.iv), len(e.wrappedKey), e.context)
	}
}
