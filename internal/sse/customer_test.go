package sse

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

func TestCustomerKeyWrap(t *testing.T) {
	ck, err := CustomerKeyFromBytes(bytes.Repeat([]byte{7}, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	other, _ := CustomerKeyFromBytes(bytes.Repeat([]byte{8}, KeySize))
	dk, _ := NewDataKey()
	salt, ctx := []byte("salt-1"), Context("obj")
	w, err := ck.Wrap(dk, salt, ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ck.Unwrap(w, salt, ctx)
	if err != nil || got.k != dk.k {
		t.Fatalf("unwrap: %v", err)
	}
	for name, f := range map[string]func() error{
		"other key":     func() error { _, err := other.Unwrap(w, salt, ctx); return err },
		"other salt":    func() error { _, err := ck.Unwrap(w, []byte("salt-2"), ctx); return err },
		"other context": func() error { _, err := ck.Unwrap(w, salt, Context("x")); return err },
	} {
		if err := f(); !errors.Is(err, ErrNotAuthentic) {
			t.Errorf("%s: %v, want ErrNotAuthentic", name, err)
		}
	}
	if !ck.Matches(salt, ck.Check(salt)) || other.Matches(salt, ck.Check(salt)) || ck.Matches([]byte("s2"), ck.Check(salt)) {
		t.Error("Check/Matches do not tell keys apart")
	}
	if _, err := CustomerKeyFromBytes(make([]byte, 31)); err == nil {
		t.Error("31-byte key accepted")
	}
	if s := fmt.Sprintf("%v %x %+v %#v", ck, ck, *ck, ck); bytes.Contains([]byte(s), []byte("0707")) {
		t.Errorf("key printed: %s", s)
	}
}
