package policy

import (
	"bytes"
	"encoding/json"
	"errors"
)

// Position is a place in a policy document: 1-based line and column,
// counted in bytes.
type Position struct {
	Line, Column int
}

// Span is where one statement is written: Start is its opening brace,
// End the place just after its closing brace. IAM's policy simulator
// reports them as a matched statement's StartPosition and EndPosition.
type Span struct {
	Start, End Position
}

// errNoStatements is returned for a document whose statements cannot be
// found; Parse has better words for such documents.
var errNoStatements = errors.New("policy: no statements to locate")

// StatementSpans returns where each statement of doc is written, in
// document order, so that index i is Statement i of the parsed policy. A
// single statement object gives one span. It only locates statements;
// Parse validates them.
func StatementSpans(doc []byte) ([]Span, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errNoStatements
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, err
		}
		if key == "Statement" {
			return statementSpans(dec, doc)
		}
		if err := skipValue(dec); err != nil {
			return nil, err
		}
	}
	return nil, errNoStatements
}

// statementSpans reads the Statement value: an object or a list of them.
func statementSpans(dec *json.Decoder, doc []byte) ([]Span, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if tok == json.Delim('{') {
		s, err := objectSpan(dec, doc)
		return []Span{s}, err
	}
	if tok != json.Delim('[') {
		return nil, errNoStatements
	}
	var out []Span
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		if tok != json.Delim('{') {
			return nil, errNoStatements
		}
		s, err := objectSpan(dec, doc)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// objectSpan skips the rest of an object whose '{' was just read and
// returns where it is written.
func objectSpan(dec *json.Decoder, doc []byte) (Span, error) {
	start := dec.InputOffset() - 1
	if err := skipRest(dec); err != nil {
		return Span{}, err
	}
	return Span{Start: positionAt(doc, start), End: positionAt(doc, dec.InputOffset())}, nil
}

// skipValue skips one whole value.
func skipValue(dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); ok && (d == '{' || d == '[') {
		return skipRest(dec)
	}
	return nil
}

// skipRest skips to the end of the object or array just opened.
func skipRest(dec *json.Decoder) error {
	for depth := 1; depth > 0; {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

// positionAt turns a byte offset of doc into a 1-based line and column.
func positionAt(doc []byte, off int64) Position {
	before := doc[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return Position{Line: line, Column: col}
}
