package sse

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// TestKeysDoNotPrint formats keys, and structs holding them, every way a
// log line or an error message might, and looks for their bytes.
func TestKeysDoNotPrint(t *testing.T) {
	raw := bytes.Repeat([]byte{0xab}, KeySize)
	d, err := DataKeyFromBytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	m, err := MasterKeyFromBytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	holder := struct {
		D  *DataKey
		M  *MasterKey
		DV DataKey
	}{d, m, *d}
	var outs []string
	for _, v := range []any{d, *d, m, *m, holder, &holder} {
		for _, f := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%q", "%d", "% x"} {
			outs = append(outs, fmt.Sprintf(f, v))
		}
		outs = append(outs, fmt.Sprint(v), fmt.Sprintln(v))
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, string(j))
	}
	var logs bytes.Buffer
	for _, h := range []slog.Handler{slog.NewTextHandler(&logs, nil), slog.NewJSONHandler(&logs, nil)} {
		slog.New(h).Info("keys", "data", d, "master", m, "value", *d, "holder", holder)
	}
	outs = append(outs, logs.String())
	secrets := []string{hex.EncodeToString(raw), strings.ToUpper(hex.EncodeToString(raw)), string(raw),
		"171, 171", "171 171", "ab ab"}
	for _, out := range outs {
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("key bytes printed: %q", out)
			}
		}
	}
	if got := fmt.Sprint(d); got != "sse.DataKey(redacted)" {
		t.Errorf("fmt.Sprint(data key) = %q", got)
	}
	if got := fmt.Sprintf("%#v", m); got != "sse.MasterKey(redacted)" {
		t.Errorf("%%#v of master key = %q", got)
	}
}

func TestZero(t *testing.T) {
	d := newKey(t)
	d.Zero()
	if d.k != (secret{}) {
		t.Error("DataKey.Zero left bytes")
	}
	m := masterKey(t, 5)
	m.Zero()
	if m.k != (secret{}) {
		t.Error("MasterKey.Zero left bytes")
	}
}

func TestNewDataKeyRandom(t *testing.T) {
	a, b := newKey(t), newKey(t)
	if sameKey(a, b) || a.k == (secret{}) {
		t.Error("NewDataKey returned equal or zero keys")
	}
}

func TestKeyFromBytesSize(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33} {
		if _, err := DataKeyFromBytes(make([]byte, n)); err == nil {
			t.Errorf("DataKeyFromBytes(%d bytes) succeeded", n)
		}
		if _, err := MasterKeyFromBytes(make([]byte, n)); err == nil {
			t.Errorf("MasterKeyFromBytes(%d bytes) succeeded", n)
		}
	}
}
