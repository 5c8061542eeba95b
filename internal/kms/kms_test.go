package kms

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestEncryptDecrypt_context(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	md := e.createKey(t, "")
	ec := map[string]string{"purpose": "test", "b": "2"}
	enc, err := e.s.Encrypt(ctx, EncryptRequest{Caller: e.root, KeyID: md.KeyID, Plaintext: []byte("hello"), EncryptionContext: ec})
	must(t, err)
	if enc.KeyARN != md.ARN {
		t.Errorf("Encrypt KeyARN = %s, want %s", enc.KeyARN, md.ARN)
	}
	dec, err := e.s.Decrypt(ctx, DecryptRequest{Caller: e.root, CiphertextBlob: enc.CiphertextBlob,
		EncryptionContext: map[string]string{"b": "2", "purpose": "test"}})
	must(t, err)
	if string(dec.Plaintext) != "hello" || dec.KeyARN != md.ARN {
		t.Errorf("Decrypt = %q under %s", dec.Plaintext, dec.KeyARN)
	}
	for name, other := range map[string]map[string]string{
		"none":    nil,
		"value":   {"purpose": "test", "b": "3"},
		"extra":   {"purpose": "test", "b": "2", "c": ""},
		"missing": {"purpose": "test"},
		"shifted": {"purpose": "testb", "": "2"},
	} {
		_, err := e.s.Decrypt(ctx, DecryptRequest{Caller: e.root, CiphertextBlob: enc.CiphertextBlob, EncryptionContext: other})
		if !errorsIs(err, ErrInvalidCiphertext) && !errorsIs(err, ErrValidation) {
			t.Errorf("Decrypt with context %s = %v, want InvalidCiphertext", name, err)
		}
	}
	// KeyId, when given, must name the ciphertext's key.
	other := e.createKey(t, "")
	_, err = e.s.Decrypt(ctx, DecryptRequest{Caller: e.root, CiphertextBlob: enc.CiphertextBlob, EncryptionContext: ec, KeyID: other.KeyID})
	wantErr(t, "Decrypt with another KeyId", err, ErrIncorrectKey)
	_, err = e.s.Decrypt(ctx, DecryptRequest{Caller: e.root, CiphertextBlob: enc.CiphertextBlob, EncryptionContext: ec, KeyID: md.ARN})
	wantErr(t, "Decrypt with its key's ARN", err, nil)
}

func TestDecrypt_tampered(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	md := e.createKey(t, "")
	enc, err := e.s.Encrypt(ctx, EncryptRequest{Caller: e.root, KeyID: md.KeyID, Plaintext: []byte("secret")})
	must(t, err)
	for i := range enc.CiphertextBlob {
		b := bytes.Clone(enc.CiphertextBlob)
		b[i] ^= 0x01
		_, err := e.s.Decrypt(ctx, DecryptRequest{Caller: e.root, CiphertextBlob: b})
		wantErr(t, fmt.Sprintf("Decrypt with byte %d flipped", i), err, ErrInvalidCiphertext)
	}
	for _, n := range []int{0, 1, blobOverhead - 1, len(enc.CiphertextBlob) - 1} {
		_, err := e.s.Decrypt(ctx, DecryptRequest{Caller: e.root, CiphertextBlob: enc.CiphertextBlob[:n]})
		wantErr(t, fmt.Sprintf("Decrypt of %d bytes", n), err, ErrInvalidCiphertext)
	}
}

func TestKeyStates(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	md := e.createKey(t, "")
	kr := KeyRequest{Caller: e.root, KeyID: md.KeyID}
	encrypt := func() error {
		_, err := e.s.Encrypt(ctx, EncryptRequest{Caller: e.root, KeyID: md.KeyID, Plaintext: []byte("x")})
		return err
	}
	steps := []struct {
		name      string
		do        func() error
		wantErr   error
		state     string
		encryptOK error
	}{
		{"created", func() error { return nil }, nil, StateEnabled, nil},
		{"disable", func() error { return e.s.DisableKey(ctx, kr) }, nil, StateDisabled, ErrDisabled},
		{"cancel a deletion not scheduled", func() error { _, err := e.s.CancelKeyDeletion(ctx, kr); return err }, ErrInvalidState, StateDisabled, ErrDisabled},
		{"enable", func() error { return e.s.EnableKey(ctx, kr) }, nil, StateEnabled, nil},
		{"window too short", func() error { _, err := e.s.ScheduleKeyDeletion(ctx, kr, 6); return err }, ErrValidation, StateEnabled, nil},
		{"window too long", func() error { _, err := e.s.ScheduleKeyDeletion(ctx, kr, 31); return err }, ErrValidation, StateEnabled, nil},
		{"schedule deletion", func() error { _, err := e.s.ScheduleKeyDeletion(ctx, kr, 7); return err }, nil, StatePendingDeletion, ErrInvalidState},
		{"schedule again", func() error { _, err := e.s.ScheduleKeyDeletion(ctx, kr, 7); return err }, ErrInvalidState, StatePendingDeletion, ErrInvalidState},
		{"enable while pending", func() error { return e.s.EnableKey(ctx, kr) }, ErrInvalidState, StatePendingDeletion, ErrInvalidState},
		{"cancel deletion", func() error { _, err := e.s.CancelKeyDeletion(ctx, kr); return err }, nil, StateDisabled, ErrDisabled},
		{"enable again", func() error { return e.s.EnableKey(ctx, kr) }, nil, StateEnabled, nil},
	}
	for _, st := range steps {
		wantErr(t, st.name, st.do(), st.wantErr)
		got, err := e.s.DescribeKey(ctx, kr)
		must(t, err)
		if got.KeyState != st.state || got.Enabled != (st.state == StateEnabled) {
			t.Errorf("after %s: KeyState %s (Enabled %v), want %s", st.name, got.KeyState, got.Enabled, st.state)
		}
		wantErr(t, "Encrypt after "+st.name, encrypt(), st.encryptOK)
	}
}

func TestScheduleKeyDeletion_clock(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	md := e.createKey(t, "")
	kr := KeyRequest{Caller: e.root, KeyID: md.KeyID}
	must(t, e.s.CreateAlias(ctx, e.root, "alias/doomed", md.KeyID))
	got, err := e.s.ScheduleKeyDeletion(ctx, kr, 0)
	must(t, err)
	if want := testEpoch.Add(30 * 24 * time.Hour); !got.DeletionDate.Equal(want) || got.PendingDeletionDays != 30 {
		t.Errorf("DeletionDate %v (%d days), want %v (30)", got.DeletionDate, got.PendingDeletionDays, want)
	}
	e.clock.Advance(30*24*time.Hour - time.Second)
	_, err = e.s.DescribeKey(ctx, kr)
	wantErr(t, "DescribeKey a second before deletion", err, nil)
	e.clock.Advance(time.Second)
	list, err := e.s.ListKeys(ctx, e.root, Page{})
	must(t, err)
	if len(list.Keys) != 0 {
		t.Errorf("ListKeys after the deletion date = %v, want none", list.Keys)
	}
	must(t, e.s.Sweep(ctx))
	_, err = e.s.DescribeKey(ctx, kr)
	wantErr(t, "DescribeKey after deletion", err, ErrNotFound)
	aliases, err := e.s.ListAliases(ctx, e.root, "", Page{})
	must(t, err)
	if len(aliases.Aliases) != 0 {
		t.Errorf("aliases of the deleted key remain: %v", aliases.Aliases)
	}
}

func TestRotation_fakeClock(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	md := e.createKey(t, "")
	kr := KeyRequest{Caller: e.root, KeyID: md.KeyID}
	wantErr(t, "EnableKeyRotation 89 days", e.s.EnableKeyRotation(ctx, kr, 89), ErrValidation)
	wantErr(t, "EnableKeyRotation 2561 days", e.s.EnableKeyRotation(ctx, kr, 2561), ErrValidation)
	must(t, e.s.EnableKeyRotation(ctx, kr, 90))
	st, err := e.s.GetKeyRotationStatus(ctx, kr)
	must(t, err)
	if !st.Enabled || st.PeriodDays != 90 || !st.Next.Equal(testEpoch.Add(90*24*time.Hour)) {
		t.Errorf("GetKeyRotationStatus = %+v", st)
	}
	type sealed struct {
		blob  []byte
		plain string
	}
	var all []sealed
	const periods = 12
	for i := range periods {
		plain := fmt.Sprintf("period %d", i)
		enc, err := e.s.Encrypt(ctx, EncryptRequest{Caller: e.root, KeyID: md.KeyID, Plaintext: []byte(plain)})
		must(t, err)
		if b, _ := parseBlob(enc.CiphertextBlob); b.version != uint32(i+1) {
			t.Errorf("period %d: ciphertext under material version %d, want %d", i, b.version, i+1)
		}
		all = append(all, sealed{enc.CiphertextBlob, plain})
		e.clock.Advance(90 * 24 * time.Hour)
		if i%2 == 0 {
			must(t, e.s.Sweep(ctx)) // else the next use rotates
		}
	}
	_, err = e.s.RotateKeyOnDemand(ctx, kr)
	must(t, err)
	for _, c := range all {
		dec, err := e.s.Decrypt(ctx, DecryptRequest{Caller: e.root, CiphertextBlob: c.blob})
		must(t, err)
		if string(dec.Plaintext) != c.plain {
			t.Errorf("Decrypt = %q, want %q", dec.Plaintext, c.plain)
		}
	}
	rot, err := e.s.ListKeyRotations(ctx, kr, Page{})
	must(t, err)
	if len(rot.Rotations) != periods+1 || !rot.Rotations[periods].OnDemand || rot.Rotations[0].OnDemand {
		t.Errorf("ListKeyRotations = %d rotations %+v, want %d, the last on demand", len(rot.Rotations), rot.Rotations, periods+1)
	}
	page, err := e.s.ListKeyRotations(ctx, kr, Page{Limit: 5})
	must(t, err)
	if len(page.Rotations) != 5 || page.NextMarker == "" {
		t.Errorf("ListKeyRotations limit 5 = %d, marker %q", len(page.Rotations), page.NextMarker)
	}
	must(t, e.s.DisableKeyRotation(ctx, kr))
	e.clock.Advance(365 * 24 * time.Hour)
	must(t, e.s.Sweep(ctx))
	rot2, err := e.s.ListKeyRotations(ctx, kr, Page{})
	must(t, err)
	if len(rot2.Rotations) != len(rot.Rotations) {
		t.Errorf("rotations after disabling: %d, want %d", len(rot2.Rotations), len(rot.Rotations))
	}
	for range maxOnDemand - 1 {
		_, err = e.s.RotateKeyOnDemand(ctx, kr)
		must(t, err)
	}
	_, err = e.s.RotateKeyOnDemand(ctx, kr)
	wantErr(t, "the 11th on-demand rotation", err, ErrLimitExceeded)
}

func TestAliasNames(t *testing.T) {
	tests := []struct {
		name string
		want error
	}{
		{"alias/my-key", nil},
		{"alias/a/b_c-D9", nil},
		{"alias/" + strings.Repeat("a", 250), nil},
		{"alias/" + strings.Repeat("a", 251), ErrInvalidAliasName},
		{"alias/", ErrInvalidAliasName},
		{"my-key", ErrInvalidAliasName},
		{"alias/has space", ErrInvalidAliasName},
		{"alias/a:b", ErrInvalidAliasName},
		{"alias/a\x00b", ErrInvalidAliasName},
		{"alias/aws/s3", ErrInvalidAliasName},
		{"alias/aws/mine", ErrInvalidAliasName},
		{"alias/awsome", nil},
		{"", ErrValidation},
	}
	for _, tt := range tests {
		wantErr(t, fmt.Sprintf("checkAliasName(%q)", tt.name), checkAliasName(tt.name), tt.want)
	}
}

func TestAliases(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a, b := e.createKey(t, ""), e.createKey(t, "")
	must(t, e.s.CreateAlias(ctx, e.root, "alias/app", a.KeyID))
	wantErr(t, "CreateAlias again", e.s.CreateAlias(ctx, e.root, "alias/app", b.KeyID), ErrAlreadyExists)
	wantErr(t, "CreateAlias to an alias", e.s.CreateAlias(ctx, e.root, "alias/other", "alias/app"), ErrValidation)
	wantErr(t, "CreateAlias reserved", e.s.CreateAlias(ctx, e.root, "alias/aws/s3", a.KeyID), ErrInvalidAliasName)
	md, err := e.s.DescribeKey(ctx, KeyRequest{Caller: e.root, KeyID: "alias/app"})
	must(t, err)
	if md.KeyID != a.KeyID {
		t.Errorf("alias/app names %s, want %s", md.KeyID, a.KeyID)
	}
	must(t, e.s.UpdateAlias(ctx, e.root, "alias/app", b.ARN))
	md, err = e.s.DescribeKey(ctx, KeyRequest{Caller: e.root, KeyID: "arn:aws:kms:us-east-1:000000000000:alias/app"})
	must(t, err)
	if md.KeyID != b.KeyID {
		t.Errorf("after UpdateAlias alias/app names %s, want %s", md.KeyID, b.KeyID)
	}
	must(t, e.s.CreateAlias(ctx, e.root, "alias/zz", a.KeyID))
	list, err := e.s.ListAliases(ctx, e.root, a.KeyID, Page{})
	must(t, err)
	if len(list.Aliases) != 1 || list.Aliases[0].Name != "alias/zz" {
		t.Errorf("ListAliases(KeyId a) = %+v", list.Aliases)
	}
	wantErr(t, "DeleteAlias reserved", e.s.DeleteAlias(ctx, e.root, "alias/aws/s3"), ErrInvalidAliasName)
	must(t, e.s.DeleteAlias(ctx, e.root, "alias/app"))
	_, err = e.s.DescribeKey(ctx, KeyRequest{Caller: e.root, KeyID: "alias/app"})
	wantErr(t, "DescribeKey deleted alias", err, ErrNotFound)
}

func TestS3ManagedKey(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	user := e.user(t, "s3user", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)
	viaS3 := user
	viaS3.ViaService = "s3.us-east-1.amazonaws.com"
	ec := map[string]string{"aws:s3:arn": "arn:aws:s3:::bucket/key"}
	dk, err := e.s.GenerateDataKey(ctx, DataKeyRequest{Caller: viaS3, KeyID: s3Alias, EncryptionContext: ec})
	must(t, err)
	if len(dk.Plaintext) != 32 {
		t.Errorf("data key of %d bytes, want 32", len(dk.Plaintext))
	}
	dk2, err := e.s.GenerateDataKey(ctx, DataKeyRequest{Caller: viaS3, KeyID: s3Alias, EncryptionContext: ec})
	must(t, err)
	if dk2.KeyARN != dk.KeyARN {
		t.Errorf("second use made another key: %s, %s", dk2.KeyARN, dk.KeyARN)
	}
	dec, err := e.s.Decrypt(ctx, DecryptRequest{Caller: viaS3, CiphertextBlob: dk.CiphertextBlob, EncryptionContext: ec})
	must(t, err)
	if !bytes.Equal(dec.Plaintext, dk.Plaintext) {
		t.Error("Decrypt did not give the data key back")
	}
	_, err = e.s.Decrypt(ctx, DecryptRequest{Caller: user, CiphertextBlob: dk.CiphertextBlob, EncryptionContext: ec})
	wantErr(t, "Decrypt of an aws/s3 data key outside S3", err, ErrAccessDenied)
	md, err := e.s.DescribeKey(ctx, KeyRequest{Caller: e.root, KeyID: s3Alias})
	must(t, err)
	if md.KeyManager != ManagerAWS || md.ARN != dk.KeyARN {
		t.Errorf("DescribeKey alias/aws/s3 = %+v", md)
	}
	wantErr(t, "DisableKey of the AWS managed key", e.s.DisableKey(ctx, KeyRequest{Caller: e.root, KeyID: md.KeyID}), ErrAccessDenied)
	wantErr(t, "EnableKeyRotation of the AWS managed key",
		e.s.EnableKeyRotation(ctx, KeyRequest{Caller: e.root, KeyID: md.KeyID}, 90), ErrAccessDenied)
}

func TestGenerateDataKey_sizes(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	md := e.createKey(t, "")
	for _, tt := range []struct {
		n    int
		want error
	}{{1, nil}, {16, nil}, {1024, nil}, {1025, ErrValidation}, {-1, ErrValidation}} {
		dk, err := e.s.GenerateDataKey(ctx, DataKeyRequest{Caller: e.root, KeyID: md.KeyID, NumberOfBytes: tt.n})
		wantErr(t, fmt.Sprintf("GenerateDataKey(%d)", tt.n), err, tt.want)
		if err == nil && len(dk.Plaintext) != tt.n {
			t.Errorf("GenerateDataKey(%d) gave %d bytes", tt.n, len(dk.Plaintext))
		}
	}
	dk, err := e.s.GenerateDataKeyWithoutPlaintext(ctx, DataKeyRequest{Caller: e.root, KeyID: md.KeyID})
	must(t, err)
	if dk.Plaintext != nil || len(dk.CiphertextBlob) != blobOverhead+32 {
		t.Errorf("GenerateDataKeyWithoutPlaintext = %d plaintext bytes, %d ciphertext bytes", len(dk.Plaintext), len(dk.CiphertextBlob))
	}
	for _, n := range []int{0, 1025} {
		_, err := e.s.GenerateRandom(ctx, e.root, n)
		wantErr(t, fmt.Sprintf("GenerateRandom(%d)", n), err, ErrValidation)
	}
	r, err := e.s.GenerateRandom(ctx, e.root, 1024)
	must(t, err)
	if len(r) != 1024 {
		t.Errorf("GenerateRandom(1024) = %d bytes", len(r))
	}
}

func TestReEncrypt(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a, b := e.createKey(t, ""), e.createKey(t, "")
	enc, err := e.s.Encrypt(ctx, EncryptRequest{Caller: e.root, KeyID: a.KeyID, Plaintext: []byte("move me"),
		EncryptionContext: map[string]string{"k": "1"}})
	must(t, err)
	re, err := e.s.ReEncrypt(ctx, ReEncryptRequest{Caller: e.root, CiphertextBlob: enc.CiphertextBlob,
		SourceEncryptionContext: map[string]string{"k": "1"}, DestinationKeyID: b.KeyID,
		DestinationEncryptionContext: map[string]string{"k": "2"}})
	must(t, err)
	if re.KeyARN != b.ARN || re.SourceKeyARN != a.ARN {
		t.Errorf("ReEncrypt = key %s from %s", re.KeyARN, re.SourceKeyARN)
	}
	dec, err := e.s.Decrypt(ctx, DecryptRequest{Caller: e.root, CiphertextBlob: re.CiphertextBlob, EncryptionContext: map[string]string{"k": "2"}})
	must(t, err)
	if string(dec.Plaintext) != "move me" {
		t.Errorf("Decrypt after ReEncrypt = %q", dec.Plaintext)
	}
}

func TestAudit_noSecrets(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	md := e.createKey(t, "")
	plain := "PLAINTEXT-MARKER-0123456789"
	enc, err := e.s.Encrypt(ctx, EncryptRequest{Caller: e.root, KeyID: md.KeyID, Plaintext: []byte(plain),
		EncryptionContext: map[string]string{"dept": "x"}})
	must(t, err)
	dk, err := e.s.GenerateDataKey(ctx, DataKeyRequest{Caller: e.root, KeyID: md.KeyID})
	must(t, err)
	_, err = e.s.Decrypt(ctx, DecryptRequest{Caller: e.root, CiphertextBlob: enc.CiphertextBlob})
	wantErr(t, "Decrypt without its context", err, ErrInvalidCiphertext)
	log := e.audit.String()
	for _, secret := range []string{plain, string(dk.Plaintext), fmt.Sprintf("%x", dk.Plaintext)} {
		if strings.Contains(log, secret) {
			t.Errorf("audit log holds a secret")
		}
	}
	lines := strings.Split(strings.TrimSpace(log), "\n")
	if len(lines) != 4 {
		t.Fatalf("audit log has %d lines, want 4:\n%s", len(lines), log)
	}
	var ev map[string]any
	must(t, json.Unmarshal([]byte(lines[3]), &ev))
	want := map[string]any{"eventName": "Decrypt", "eventSource": "kms.amazonaws.com", "awsRegion": testRegion,
		"sourceIPAddress": "192.0.2.1", "eventType": "AwsApiCall", "readOnly": true, "eventVersion": "1.08"}
	for k, v := range want {
		if ev[k] != v {
			t.Errorf("audit %s = %v, want %v", k, ev[k], v)
		}
	}
	if ev["errorMessage"] == nil {
		t.Error("the failed Decrypt's record has no errorMessage")
	}
	res, _ := ev["resources"].([]any)
	if len(res) != 1 || res[0].(map[string]any)["ARN"] != md.ARN || res[0].(map[string]any)["type"] != "AWS::KMS::Key" {
		t.Errorf("audit resources = %v", ev["resources"])
	}
	id, _ := ev["userIdentity"].(map[string]any)
	if id["type"] != "Root" || id["accountId"] != "000000000000" || id["accessKeyId"] != testRootKey {
		t.Errorf("audit userIdentity = %v", id)
	}
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }

func TestResealMaterial(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	md := e.createKey(t, "")
	enc, err := e.s.Encrypt(ctx, EncryptRequest{Caller: e.root, KeyID: md.KeyID, Plaintext: []byte("kept")})
	must(t, err)
	_, err = e.s.RotateKeyOnDemand(ctx, KeyRequest{Caller: e.root, KeyID: md.KeyID})
	must(t, err)
	old := e.s.opts.Keyring.Current()
	v, err := e.s.opts.Keyring.Rotate()
	must(t, err)
	counts := map[uint32]int64{}
	must(t, e.s.CountSealedMaterial(ctx, counts))
	if counts[old] != 2 || counts[v] != 0 {
		t.Fatalf("before resealing: counts %v, want 2 under %d", counts, old)
	}
	next, done, failed, err := e.s.ResealMaterial(ctx, nil, 100)
	must(t, err)
	if next != nil || done != 1 || failed != 0 {
		t.Errorf("ResealMaterial = next %q, %d done, %d failed", next, done, failed)
	}
	counts = map[uint32]int64{}
	must(t, e.s.CountSealedMaterial(ctx, counts))
	if counts[old] != 0 || counts[v] != 2 {
		t.Errorf("after resealing: counts %v, want 2 under %d", counts, v)
	}
	must(t, e.s.opts.Keyring.Remove(old))
	dec, err := e.s.Decrypt(ctx, DecryptRequest{Caller: e.root, CiphertextBlob: enc.CiphertextBlob})
	must(t, err)
	if string(dec.Plaintext) != "kept" {
		t.Errorf("Decrypt after resealing = %q", dec.Plaintext)
	}
}

func TestHMACKeys(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, tt := range []struct {
		usage, spec string
		want        error
	}{
		{"GENERATE_VERIFY_MAC", "HMAC_256", nil},
		{"", "HMAC_256", ErrValidation},
		{"GENERATE_VERIFY_MAC", "SYMMETRIC_DEFAULT", ErrValidation},
		{"GENERATE_VERIFY_MAC", "HMAC_512", ErrUnsupported},
		{"SIGN_VERIFY", "RSA_2048", ErrUnsupported},
		{"ENCRYPT_DECRYPT", "HMAC_999", ErrValidation},
	} {
		_, err := e.s.CreateKey(ctx, CreateKeyRequest{Caller: e.root, KeyUsage: tt.usage, KeySpec: tt.spec})
		wantErr(t, "CreateKey "+tt.usage+" "+tt.spec, err, tt.want)
	}
	md, err := e.s.CreateKey(ctx, CreateKeyRequest{Caller: e.root, KeyUsage: UsageMac, KeySpec: SpecHMAC256})
	must(t, err)
	if md.KeyUsage != UsageMac || md.KeySpec != SpecHMAC256 || len(md.MacAlgorithms) != 1 || md.EncryptionAlgorithms != nil {
		t.Errorf("HMAC key metadata = %+v", md)
	}
	msg := []byte("message to authenticate")
	mac, err := e.s.GenerateMac(ctx, MacRequest{Caller: e.root, KeyID: md.KeyID, Message: msg, Algorithm: "HMAC_SHA_256"})
	must(t, err)
	if len(mac.Mac) != 32 {
		t.Errorf("MAC of %d bytes", len(mac.Mac))
	}
	_, err = e.s.VerifyMac(ctx, MacRequest{Caller: e.root, KeyID: md.KeyID, Message: msg, Algorithm: "HMAC_SHA_256", Mac: mac.Mac})
	wantErr(t, "VerifyMac of its own MAC", err, nil)
	bad := bytes.Clone(mac.Mac)
	bad[0] ^= 1
	_, err = e.s.VerifyMac(ctx, MacRequest{Caller: e.root, KeyID: md.KeyID, Message: msg, Algorithm: "HMAC_SHA_256", Mac: bad})
	wantErr(t, "VerifyMac of a changed MAC", err, ErrInvalidMac)
	_, err = e.s.GenerateMac(ctx, MacRequest{Caller: e.root, KeyID: md.KeyID, Message: msg, Algorithm: "HMAC_SHA_512"})
	wantErr(t, "GenerateMac with another algorithm", err, ErrInvalidKeyUsage)
	_, err = e.s.Encrypt(ctx, EncryptRequest{Caller: e.root, KeyID: md.KeyID, Plaintext: msg})
	wantErr(t, "Encrypt under an HMAC key", err, ErrInvalidKeyUsage)
	wantErr(t, "EnableKeyRotation of an HMAC key", e.s.EnableKeyRotation(ctx, KeyRequest{Caller: e.root, KeyID: md.KeyID}, 0), ErrUnsupported)
	sym := e.createKey(t, "")
	_, err = e.s.GenerateMac(ctx, MacRequest{Caller: e.root, KeyID: sym.KeyID, Message: msg, Algorithm: "HMAC_SHA_256"})
	wantErr(t, "GenerateMac under an encryption key", err, ErrInvalidKeyUsage)
}
