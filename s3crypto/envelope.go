package s3crypto

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// The instruction names of the v2 format. As user metadata they are sent
// with the x-amz-meta- prefix; in an instruction file they are JSON keys as
// they are. They are the published format: never change them.
const (
	keyV2Name         = "x-amz-key-v2"
	keyV1Name         = "x-amz-key"
	ivName            = "x-amz-iv"
	cekAlgName        = "x-amz-cek-alg"
	tagLenName        = "x-amz-tag-len"
	wrapAlgName       = "x-amz-wrap-alg"
	matDescName       = "x-amz-matdesc"
	plainLenName      = "x-amz-unencrypted-content-length"
	plainMD5Name      = "x-amz-unencrypted-content-md5"
	instructionSuffix = ".instruction"
)

// The algorithms of the v2 format that this package writes and reads.
const (
	// CEKAlgorithm names AES-256-GCM content encryption without padding.
	CEKAlgorithm = "AES/GCM/NoPadding"
	// WrapAlgorithm names a content key wrapped by KMS with the encryption
	// context stored as the material description.
	WrapAlgorithm = "kms+context"
	// cekContextKey is the encryption-context key, reserved for the client,
	// that binds the content algorithm to the wrapped key.
	cekContextKey = "aws:" + cekAlgName
	tagBits       = 128
	ivSize        = 12
	keySize       = 32
	tagSize       = tagBits / 8
)

// Bounds on untrusted envelope fields. KMS ciphertext blobs are at most
// 6,144 bytes; S3 user metadata is at most 2 KiB in all, but an
// instruction file is an object of any size, so its reader is bounded too.
const (
	maxWrappedKey      = 6144
	maxMatDesc         = 64 << 10
	maxInstructionFile = 256 << 10
)

// reservedNames are the metadata names a caller may not set on PutObject:
// the envelope's own, those of the legacy and later formats, and the
// instruction-file marker.
var reservedNames = []string{
	keyV2Name, keyV1Name, ivName, cekAlgName, tagLenName, wrapAlgName, matDescName,
	plainLenName, plainMD5Name, "x-amz-crypto-instr-file",
	"x-amz-c", "x-amz-3", "x-amz-w", "x-amz-m", "x-amz-t", "x-amz-d", "x-amz-i",
}

// envelope is a parsed and validated v2 instruction.
type envelope struct {
	wrappedKey []byte
	iv         []byte
	context    map[string]string
}

// metadata renders e as the user metadata of an object holding plainLen
// bytes of plaintext.
func (e *envelope) metadata(plainLen int) (map[string]string, error) {
	md, err := json.Marshal(e.context)
	if err != nil {
		return nil, err
	}
	return map[string]string{
		keyV2Name:    base64.StdEncoding.EncodeToString(e.wrappedKey),
		ivName:       base64.StdEncoding.EncodeToString(e.iv),
		cekAlgName:   CEKAlgorithm,
		tagLenName:   strconv.Itoa(tagBits),
		wrapAlgName:  WrapAlgorithm,
		matDescName:  string(md),
		plainLenName: strconv.Itoa(plainLen),
	}, nil
}

// hasEnvelope reports whether object metadata carries an instruction of
// any format (so that no instruction file is looked for).
func hasEnvelope(meta map[string]string) bool {
	m := lower(meta)
	for _, n := range []string{keyV2Name, keyV1Name, "x-amz-3"} {
		if _, ok := m[n]; ok {
			return true
		}
	}
	return false
}

// parseMetadata reads the instruction from an object's user metadata
// (names without the x-amz-meta- prefix, in any letter case, as SDKs and
// servers differ).
func parseMetadata(meta map[string]string) (*envelope, error) {
	m := lower(meta)
	if _, ok := m[keyV2Name]; !ok {
		return nil, notV2(m)
	}
	return parseFields(m)
}

// parseInstruction reads the instruction from an instruction file's JSON.
// x-amz-tag-len may be a JSON number there, as some clients write it.
func parseInstruction(b []byte) (*envelope, error) {
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%w: instruction file is not a JSON object", ErrInvalidEnvelope)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: instruction file has data after its JSON object", ErrInvalidEnvelope)
	}
	m := make(map[string]string, len(raw))
	for k, v := range raw {
		var s string
		if err := json.Unmarshal(v, &s); err == nil {
			m[strings.ToLower(k)] = s
			continue
		}
		var n json.Number
		if err := json.Unmarshal(v, &n); err == nil {
			m[strings.ToLower(k)] = n.String()
			continue
		}
		return nil, fmt.Errorf("%w: instruction file field %q is neither a string nor a number", ErrInvalidEnvelope, k)
	}
	if _, ok := m[keyV2Name]; !ok {
		return nil, notV2(m)
	}
	return parseFields(m)
}

// notV2 explains why lower-cased metadata m without x-amz-key-v2 cannot be
// read.
func notV2(m map[string]string) error {
	if _, ok := m[keyV1Name]; ok {
		return fmt.Errorf("%w: the v1 format (x-amz-key, legacy AES/CBC or AES/GCM with an unbound key); only the v2 format is read", ErrUnsupported)
	}
	if _, ok := m["x-amz-3"]; ok {
		return fmt.Errorf("%w: the key-committing format (x-amz-3) of later encryption clients; only the v2 format is read", ErrUnsupported)
	}
	return ErrNotEncrypted
}

// parseFields validates the v2 fields of lower-cased metadata m.
func parseFields(m map[string]string) (*envelope, error) {
	if wrap := m[wrapAlgName]; wrap != WrapAlgorithm {
		if wrap == "" {
			return nil, fmt.Errorf("%w: no %s", ErrInvalidEnvelope, wrapAlgName)
		}
		return nil, fmt.Errorf("%w: key wrapping %q (only %q is supported)", ErrUnsupported, clip(wrap), WrapAlgorithm)
	}
	if cek := m[cekAlgName]; cek != CEKAlgorithm {
		if cek == "" {
			return nil, fmt.Errorf("%w: no %s", ErrInvalidEnvelope, cekAlgName)
		}
		return nil, fmt.Errorf("%w: content encryption %q (only %q is supported)", ErrUnsupported, clip(cek), CEKAlgorithm)
	}
	if tl, ok := m[tagLenName]; ok && tl != strconv.Itoa(tagBits) {
		return nil, fmt.Errorf("%w: tag length %q (only %d bits is supported)", ErrUnsupported, clip(tl), tagBits)
	}
	var e envelope
	var err error
	if e.wrappedKey, err = decodeB64(m[keyV2Name], maxWrappedKey); err != nil || len(e.wrappedKey) == 0 {
		return nil, fmt.Errorf("%w: %s is not base64 of a KMS ciphertext", ErrInvalidEnvelope, keyV2Name)
	}
	if e.iv, err = decodeB64(m[ivName], ivSize); err != nil || len(e.iv) != ivSize {
		return nil, fmt.Errorf("%w: %s is not base64 of a %d-byte IV", ErrInvalidEnvelope, ivName, ivSize)
	}
	if e.context, err = parseMatDesc(m[matDescName]); err != nil {
		return nil, err
	}
	return &e, nil
}

// parseMatDesc parses the material description of a kms+context envelope:
// the encryption context, a JSON object of strings, which must bind the
// content algorithm.
func parseMatDesc(s string) (map[string]string, error) {
	if len(s) > maxMatDesc {
		return nil, fmt.Errorf("%w: %s longer than %d bytes", ErrInvalidEnvelope, matDescName, maxMatDesc)
	}
	var ctx map[string]string
	dec := json.NewDecoder(strings.NewReader(s))
	if err := dec.Decode(&ctx); err != nil || ctx == nil || dec.More() {
		return nil, fmt.Errorf("%w: %s is not a JSON object of strings", ErrInvalidEnvelope, matDescName)
	}
	v, ok := ctx[cekContextKey]
	if !ok {
		return nil, fmt.Errorf("%w: the encryption context in %s lacks %q", ErrInvalidEnvelope, matDescName, cekContextKey)
	}
	if v != CEKAlgorithm {
		return nil, fmt.Errorf("%w: the encryption context binds content encryption %q, the object names %q", ErrInvalidEnvelope, clip(v), CEKAlgorithm)
	}
	return ctx, nil
}

// decodeB64 decodes standard padded base64 of at most max bytes.
func decodeB64(s string, max int) ([]byte, error) {
	if base64.StdEncoding.DecodedLen(len(s)) > max+2 {
		return nil, fmt.Errorf("longer than %d bytes", max)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	if len(b) > max {
		return nil, fmt.Errorf("longer than %d bytes", max)
	}
	return b, nil
}

// lower returns meta with lower-case names.
func lower(meta map[string]string) map[string]string {
	m := make(map[string]string, len(meta))
	for k, v := range meta {
		m[strings.ToLower(k)] = v
	}
	return m
}

// clip shortens an untrusted value quoted in an error.
func clip(s string) string {
	const max = 64
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}
