package kms

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestConcurrentUseDuringRotation encrypts and decrypts from several
// goroutines while the key rotates on demand and by schedule: every
// ciphertext decrypts, whatever material it was made under (run with
// -race).
func TestConcurrentUseDuringRotation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	md := e.createKey(t, "")
	kr := KeyRequest{Caller: e.root, KeyID: md.KeyID}
	must(t, e.s.EnableKeyRotation(ctx, kr, 90))
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for g := range 4 {
		wg.Go(func() {
			for i := range 15 {
				plain := []byte(fmt.Sprintf("g%d-%d", g, i))
				ec := map[string]string{"g": fmt.Sprint(g)}
				enc, err := e.s.Encrypt(ctx, EncryptRequest{Caller: e.root, KeyID: md.ARN, Plaintext: plain, EncryptionContext: ec})
				if err != nil {
					errs <- err
					return
				}
				dec, err := e.s.Decrypt(ctx, DecryptRequest{Caller: e.root, CiphertextBlob: enc.CiphertextBlob, EncryptionContext: ec})
				if err != nil || !bytes.Equal(dec.Plaintext, plain) {
					errs <- fmt.Errorf("decrypt %s: %v", plain, err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		for range 5 {
			if _, err := e.s.RotateKeyOnDemand(ctx, kr); err != nil {
				errs <- err
				return
			}
			e.clock.Advance(91 * 24 * time.Hour)
			if err := e.s.Sweep(ctx); err != nil {
				errs <- err
				return
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	rot, err := e.s.ListKeyRotations(ctx, kr, Page{})
	must(t, err)
	if len(rot.Rotations) != 10 {
		t.Errorf("%d rotations, want 10 (5 on demand, 5 scheduled)", len(rot.Rotations))
	}
}
