package cluster_test

import (
	"fmt"
	"math"
	"sort"

	"github.com/anishathalye/porcupine"
)

// The sequential specification of one S3 key in an unversioned bucket: a
// register holding the current object, or nothing. Every PUT writes a
// payload of its own, so the payload's name (val) stands for the object
// and its ETag; the empty name is "no object".

// opKind is the S3 operation of a call.
type opKind uint8

const (
	opGet    opKind = iota // GetObject
	opPut                  // PutObject
	opDelete               // DeleteObject
)

// condition is the precondition header a write carries.
type condition uint8

const (
	condNone        condition = iota // none: the write always applies
	condIfNoneMatch                  // If-None-Match: * (only when there is no object)
	condIfMatch                      // If-Match: <ETag of match> (only over that object)
)

// outcome is what the client learned of a call.
type outcome uint8

const (
	outOK       outcome = iota // 200/204: done (a GET: the object named by regOutput.val)
	outNotFound                // 404 NoSuchKey: there was no object
	outFailed                  // 412 PreconditionFailed: the condition was false
	outConflict                // 409 ConditionalRequestConflict: lost a race, not done
	outUnknown                 // timeout, connection error, 5xx: done or not, nobody knows
)

// regInput is the call: which key, what operation, under which condition.
type regInput struct {
	key   string
	kind  opKind
	cond  condition
	match string // condIfMatch: the object whose ETag the call sends
	val   string // opPut: the object the call writes
}

// regOutput is the answer.
type regOutput struct {
	out outcome
	val string // opGet with outOK: the object read
}

// infinity is the return time of a call whose outcome is unknown: it may
// take effect at any instant after it was sent, including after every
// other call, which is the same as never (porcupine issue 8).
const infinity = math.MaxInt64

// holds reports whether cond is true of state.
func (in regInput) holds(state string) bool {
	switch in.cond {
	case condIfNoneMatch:
		return state == ""
	case condIfMatch:
		return state != "" && state == in.match
	}
	return true
}

// apply is the state after the write in succeeded on state.
func (in regInput) apply(state string) string {
	if in.kind == opPut {
		return in.val
	}
	return "" // opDelete
}

// step is the register's sequential specification: whether a call could
// have answered out on state, and the state it leaves.
func step(state string, in regInput, out regOutput) (bool, string) {
	if in.kind == opGet {
		switch out.out {
		case outOK:
			return state != "" && out.val == state, state
		case outNotFound:
			return state == "", state
		case outUnknown:
			return true, state
		}
		return false, state
	}
	switch out.out {
	case outOK:
		if !in.holds(state) {
			return false, state
		}
		return true, in.apply(state)
	case outUnknown:
		// Computed as if it succeeded, without checking an answer; the
		// checker may place it at infinity, where nobody sees it.
		if in.holds(state) {
			return true, in.apply(state)
		}
		return true, state
	case outFailed:
		// S3 answers 412 only when an object exists that the condition
		// excludes; a missing object is 404 for If-Match and a success for
		// If-None-Match.
		return in.cond != condNone && state != "" && !in.holds(state), state
	case outNotFound:
		// If-Match on a missing key is 404 NoSuchKey, for PUT and DELETE.
		return in.cond == condIfMatch && state == "", state
	case outConflict:
		// Only conditional writes answer 409; they then did nothing.
		return in.cond != condNone, state
	}
	return false, state
}

// registerModel checks each key's history on its own (Partition), from no
// object (Init).
var registerModel = porcupine.Model{
	Partition: partitionByKey,
	Init:      func() any { return "" },
	Step: func(state, input, output any) (bool, any) {
		return step(state.(string), input.(regInput), output.(regOutput))
	},
	DescribeOperation: func(input, output any) string {
		return describe(input.(regInput), output.(regOutput))
	},
	DescribeState: func(state any) string {
		if state == "" {
			return "(no object)"
		}
		return state.(string)
	},
}

// partitionByKey splits a history into one history per key, in key order.
func partitionByKey(history []porcupine.Operation) [][]porcupine.Operation {
	byKey := map[string][]porcupine.Operation{}
	for _, op := range history {
		k := op.Input.(regInput).key
		byKey[k] = append(byKey[k], op)
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([][]porcupine.Operation, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, byKey[k])
	}
	return parts
}

func describe(in regInput, out regOutput) string {
	var call string
	switch in.kind {
	case opGet:
		call = "GET " + in.key
	case opPut:
		call = "PUT " + in.key + " " + in.val
	case opDelete:
		call = "DELETE " + in.key
	}
	switch in.cond {
	case condIfNoneMatch:
		call += " If-None-Match:*"
	case condIfMatch:
		call += " If-Match:" + in.match
	}
	answer := [...]string{outOK: "ok", outNotFound: "404", outFailed: "412", outConflict: "409", outUnknown: "unknown"}[out.out]
	if in.kind == opGet && out.out == outOK {
		answer = out.val
	}
	return fmt.Sprintf("%s -> %s", call, answer)
}
