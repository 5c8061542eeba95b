package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxDepth bounds nesting. A valid policy nests at most six deep
// (document, Statement list, statement, Condition, operator, key, value
// list); anything deeper is malformed and is refused before it costs
// memory or stack.
const maxDepth = 8

// jkind is the JSON type of a value.
type jkind int

const (
	jString jkind = iota
	jNumber
	jBool
	jNull
	jObject
	jArray
)

func (k jkind) String() string {
	return [...]string{"string", "number", "boolean", "null", "object", "array"}[k]
}

// jvalue is a parsed JSON value that, unlike encoding/json's maps, keeps
// object members in document order and lets the parser see duplicate
// member names, which AWS refuses.
type jvalue struct {
	kind jkind
	text string    // string value, number text, or "true"/"false"
	obj  []jmember // jObject
	arr  []jvalue  // jArray
}

type jmember struct {
	name string
	val  jvalue
}

// errJSON marks a document that is not JSON at all, as opposed to JSON
// that is not a policy.
var errJSON = errors.New("not valid JSON")

// decodeJSON parses doc as exactly one JSON value.
func decodeJSON(doc []byte) (jvalue, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	v, err := decodeValue(dec, 0)
	if err != nil {
		return jvalue{}, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return jvalue{}, fmt.Errorf("%w: data after the document", errJSON)
	}
	return v, nil
}

func decodeValue(dec *json.Decoder, depth int) (jvalue, error) {
	if depth > maxDepth {
		return jvalue{}, fmt.Errorf("%w: nested deeper than %d", errJSON, maxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return jvalue{}, fmt.Errorf("%w: %v", errJSON, err)
	}
	switch t := tok.(type) {
	case string:
		return jvalue{kind: jString, text: t}, nil
	case json.Number:
		return jvalue{kind: jNumber, text: t.String()}, nil
	case bool:
		if t {
			return jvalue{kind: jBool, text: "true"}, nil
		}
		return jvalue{kind: jBool, text: "false"}, nil
	case nil:
		return jvalue{kind: jNull}, nil
	case json.Delim:
		if t == '[' {
			return decodeArray(dec, depth)
		}
		if t == '{' {
			return decodeObject(dec, depth)
		}
	}
	return jvalue{}, fmt.Errorf("%w: unexpected %v", errJSON, tok)
}

func decodeArray(dec *json.Decoder, depth int) (jvalue, error) {
	v := jvalue{kind: jArray}
	for dec.More() {
		e, err := decodeValue(dec, depth+1)
		if err != nil {
			return jvalue{}, err
		}
		v.arr = append(v.arr, e)
	}
	if _, err := dec.Token(); err != nil { // ']'
		return jvalue{}, fmt.Errorf("%w: %v", errJSON, err)
	}
	return v, nil
}

// errDuplicate is returned for an object that names a member twice.
type errDuplicate struct{ name string }

func (e errDuplicate) Error() string { return fmt.Sprintf("duplicate member %q", e.name) }

func decodeObject(dec *json.Decoder, depth int) (jvalue, error) {
	v := jvalue{kind: jObject}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return jvalue{}, fmt.Errorf("%w: %v", errJSON, err)
		}
		name, ok := tok.(string)
		if !ok {
			return jvalue{}, fmt.Errorf("%w: object key %v", errJSON, tok)
		}
		if seen[name] {
			return jvalue{}, errDuplicate{name}
		}
		seen[name] = true
		e, err := decodeValue(dec, depth+1)
		if err != nil {
			return jvalue{}, err
		}
		v.obj = append(v.obj, jmember{name, e})
	}
	if _, err := dec.Token(); err != nil { // '}'
		return jvalue{}, fmt.Errorf("%w: %v", errJSON, err)
	}
	return v, nil
}

// strings returns a value that AWS lets be one string or a list of
// strings as a list; ok is false for any other shape.
func (v jvalue) strings() ([]string, bool) {
	switch v.kind {
	case jString:
		return []string{v.text}, true
	case jArray:
		out := make([]string, 0, len(v.arr))
		for _, e := range v.arr {
			if e.kind != jString {
				return nil, false
			}
			out = append(out, e.text)
		}
		return out, true
	}
	return nil, false
}
