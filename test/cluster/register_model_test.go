package cluster_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
)

// call builds one operation of a hand-written history.
func call(client int, callT, retT int64, in regInput, out regOutput) porcupine.Operation {
	return porcupine.Operation{ClientId: client, Input: in, Call: callT, Output: out, Return: retT}
}

func put(key, val string) regInput { return regInput{key: key, kind: opPut, val: val} }
func putINM(key, val string) regInput {
	return regInput{key: key, kind: opPut, cond: condIfNoneMatch, val: val}
}
func putIM(key, match, val string) regInput {
	return regInput{key: key, kind: opPut, cond: condIfMatch, match: match, val: val}
}
func get(key string) regInput { return regInput{key: key, kind: opGet} }
func del(key string) regInput { return regInput{key: key, kind: opDelete} }
func delIM(key, match string) regInput {
	return regInput{key: key, kind: opDelete, cond: condIfMatch, match: match}
}

var (
	ok       = regOutput{out: outOK}
	notFound = regOutput{out: outNotFound}
	failed   = regOutput{out: outFailed}
	conflict = regOutput{out: outConflict}
	unknown  = regOutput{out: outUnknown}
)

func read(val string) regOutput { return regOutput{out: outOK, val: val} }

// TestRegisterModel feeds the checker hand-written histories, each
// linearizable or not by construction, so that a model or checker that
// accepts everything (or nothing) fails here rather than passing the
// cluster test vacuously.
func TestRegisterModel(t *testing.T) {
	tests := []struct {
		name    string
		history []porcupine.Operation
		want    porcupine.CheckResult
	}{
		{"sequential writes and reads", []porcupine.Operation{
			call(0, 0, 10, put("k", "a"), ok),
			call(1, 20, 30, get("k"), read("a")),
			call(0, 40, 50, put("k", "b"), ok),
			call(1, 60, 70, get("k"), read("b")),
		}, porcupine.Ok},
		{"read of a value overwritten before the read started", []porcupine.Operation{
			call(0, 0, 10, put("k", "a"), ok),
			call(1, 20, 30, put("k", "b"), ok),
			call(2, 40, 50, get("k"), read("a")),
		}, porcupine.Illegal},
		{"read concurrent with the overwrite may see either value", []porcupine.Operation{
			call(0, 0, 10, put("k", "a"), ok),
			call(1, 20, 50, put("k", "b"), ok),
			call(2, 25, 30, get("k"), read("a")),
			call(3, 35, 40, get("k"), read("b")),
		}, porcupine.Ok},
		{"reads going back in time", []porcupine.Operation{
			call(0, 0, 10, put("k", "a"), ok),
			call(1, 20, 100, put("k", "b"), ok),
			call(2, 30, 40, get("k"), read("b")),
			call(3, 50, 60, get("k"), read("a")),
		}, porcupine.Illegal},
		{"read of a value nobody wrote", []porcupine.Operation{
			call(0, 0, 10, put("k", "a"), ok),
			call(1, 20, 30, get("k"), read("z")),
		}, porcupine.Illegal},
		{"acknowledged write lost", []porcupine.Operation{
			call(0, 0, 10, put("k", "a"), ok),
			call(1, 20, 30, get("k"), notFound),
		}, porcupine.Illegal},
		{"two If-None-Match:* creations both succeed", []porcupine.Operation{
			call(0, 0, 20, putINM("k", "a"), ok),
			call(1, 5, 25, putINM("k", "b"), ok),
		}, porcupine.Illegal},
		{"one If-None-Match:* creation wins, the other 412 or 409", []porcupine.Operation{
			call(0, 0, 20, putINM("k", "a"), ok),
			call(1, 5, 25, putINM("k", "b"), failed),
			call(2, 6, 26, putINM("k", "c"), conflict),
			call(3, 30, 40, get("k"), read("a")),
		}, porcupine.Ok},
		{"If-None-Match:* answered 412 on a missing key", []porcupine.Operation{
			call(0, 0, 10, putINM("k", "a"), failed),
		}, porcupine.Illegal},
		{"If-Match with an overwritten ETag succeeds", []porcupine.Operation{
			call(0, 0, 10, put("k", "a"), ok),
			call(1, 20, 30, put("k", "b"), ok),
			call(2, 40, 50, putIM("k", "a", "c"), ok),
		}, porcupine.Illegal},
		{"If-Match compare-and-swap chain", []porcupine.Operation{
			call(0, 0, 10, put("k", "a"), ok),
			call(1, 20, 30, putIM("k", "a", "b"), ok),
			call(2, 25, 35, putIM("k", "a", "c"), failed),
			call(0, 40, 50, putIM("k", "b", "d"), ok),
			call(1, 60, 70, get("k"), read("d")),
		}, porcupine.Ok},
		{"If-Match on a missing key is 404, not 412", []porcupine.Operation{
			call(0, 0, 10, putIM("k", "a", "b"), failed),
		}, porcupine.Illegal},
		{"If-Match on a missing key answered 404", []porcupine.Operation{
			call(0, 0, 10, putIM("k", "a", "b"), notFound),
			call(1, 20, 30, delIM("k", "a"), notFound),
		}, porcupine.Ok},
		{"unconditional write answered 409", []porcupine.Operation{
			call(0, 0, 10, put("k", "a"), conflict),
		}, porcupine.Illegal},
		{"delete then read", []porcupine.Operation{
			call(0, 0, 10, put("k", "a"), ok),
			call(1, 20, 30, del("k"), ok),
			call(2, 40, 50, get("k"), read("a")),
		}, porcupine.Illegal},
		{"conditional delete of the current object", []porcupine.Operation{
			call(0, 0, 10, put("k", "a"), ok),
			call(1, 20, 30, delIM("k", "a"), ok),
			call(2, 40, 50, get("k"), notFound),
			call(3, 60, 70, putINM("k", "b"), ok),
		}, porcupine.Ok},
		{"write of unknown outcome seen late", []porcupine.Operation{
			call(0, 0, 10, put("k", "a"), ok),
			call(1, 20, infinity, put("k", "b"), unknown),
			call(2, 40, 50, get("k"), read("a")),
			call(2, 60, 70, get("k"), read("b")),
		}, porcupine.Ok},
		{"write of unknown outcome never seen", []porcupine.Operation{
			call(0, 0, 10, put("k", "a"), ok),
			call(1, 20, infinity, put("k", "b"), unknown),
			call(2, 40, 50, get("k"), read("a")),
		}, porcupine.Ok},
		{"write of unknown outcome seen, then undone", []porcupine.Operation{
			call(0, 0, 10, put("k", "a"), ok),
			call(1, 20, infinity, put("k", "b"), unknown),
			call(2, 40, 50, get("k"), read("b")),
			call(2, 60, 70, get("k"), read("a")),
		}, porcupine.Illegal},
		{"write of unknown outcome seen before it was sent", []porcupine.Operation{
			call(0, 0, 10, put("k", "a"), ok),
			call(2, 20, 30, get("k"), read("b")),
			call(1, 40, infinity, put("k", "b"), unknown),
		}, porcupine.Illegal},
		{"keys are independent", []porcupine.Operation{
			call(0, 0, 10, put("k1", "a"), ok),
			call(1, 20, 30, put("k2", "b"), ok),
			call(2, 40, 50, get("k1"), read("a")),
			call(3, 60, 70, get("k2"), read("b")),
		}, porcupine.Ok},
		{"one key's violation fails the history", []porcupine.Operation{
			call(0, 0, 10, put("k1", "a"), ok),
			call(1, 20, 30, put("k2", "b"), ok),
			call(2, 40, 50, get("k1"), read("a")),
			call(3, 60, 70, get("k2"), notFound),
		}, porcupine.Illegal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := porcupine.CheckOperationsTimeout(registerModel, tt.history, 0); got != tt.want {
				t.Errorf("check = %s, want %s", got, tt.want)
			}
		})
	}
}

// TestLostWrites checks the plain "no acknowledged write lost" rule that
// the cluster test applies to the state read after the load.
func TestLostWrites(t *testing.T) {
	history := []porcupine.Operation{
		call(0, 0, 10, put("k", "a"), ok),
		call(1, 20, 30, put("k", "b"), ok),
		call(2, 25, 40, put("k", "c"), ok),
		call(3, 50, 60, put("k", "d"), failed),
		call(4, 35, infinity, put("k", "e"), unknown),
		call(0, 0, 10, put("gone", "a"), ok),
		call(1, 20, 30, del("gone"), ok),
		call(0, 0, 10, put("kept", "a"), ok),
		call(1, 20, 30, del("kept"), conflict),
	}
	tests := []struct {
		name  string
		final map[string]string
		lost  int
	}{
		{"last acknowledged write", map[string]string{"k": "c"}, 0},
		{"write concurrent with the last acknowledged one", map[string]string{"k": "b"}, 0},
		{"write of unknown outcome", map[string]string{"k": "e"}, 0},
		{"write overwritten before the last one was sent", map[string]string{"k": "a"}, 1},
		{"write refused with 412", map[string]string{"k": "d"}, 1},
		{"value nobody wrote", map[string]string{"k": "z"}, 1},
		{"acknowledged delete", map[string]string{"gone": ""}, 0},
		{"write lost to nothing", map[string]string{"k": ""}, 1},
		{"delete that did not happen", map[string]string{"kept": ""}, 1},
		{"key never written", map[string]string{"other": ""}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lostWrites(history, tt.final); len(got) != tt.lost {
				t.Errorf("lostWrites = %q, want %d reports", got, tt.lost)
			}
		})
	}
}

// TestLinearizable_writesVisualization: an illegal history is reported with
// the path of porcupine's visualization, which names the calls.
func TestLinearizable_writesVisualization(t *testing.T) {
	dir := t.TempDir()
	history := []porcupine.Operation{
		call(0, 0, 10, put("k", "a"), ok),
		call(1, 20, 30, put("k", "b"), ok),
		call(2, 40, 50, get("k"), read("a")),
	}
	err := linearizable(history, dir, time.Minute)
	path := filepath.Join(dir, "linearizability.html")
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("linearizable = %v, want an error naming %s", err, path)
	}
	html, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), "PUT k b") {
		t.Errorf("the visualization does not describe the calls:\n%.500s", html)
	}
	if err := linearizable(history[:2], dir, time.Minute); err != nil {
		t.Errorf("linearizable(legal history) = %v", err)
	}
}
