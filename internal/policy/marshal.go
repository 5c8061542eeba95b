package policy

import (
	"bytes"
	"encoding/json"
)

// MarshalJSON writes p in canonical form: members in AWS's usual order,
// Statement, Action, Resource, principal and condition values always as
// lists, condition values as strings. Parsing the result gives back p.
func (p *Policy) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	comma := false
	member := func(name string, v any) {
		if comma {
			b.WriteByte(',')
		}
		comma = true
		writeJSON(&b, name)
		b.WriteByte(':')
		writeJSON(&b, v)
	}
	if p.Version != "" {
		member("Version", p.Version)
	}
	if p.ID != "" {
		member("Id", p.ID)
	}
	stmts := make([]json.RawMessage, len(p.Statements))
	for i := range p.Statements {
		stmts[i] = p.Statements[i].canonical()
	}
	member("Statement", stmts)
	b.WriteByte('}')
	return b.Bytes(), nil
}

func writeJSON(b *bytes.Buffer, v any) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)       // strings, lists and raw JSON cannot fail
	b.Truncate(b.Len() - 1) // Encode's newline
}

// canonical writes one statement.
func (s *Statement) canonical() json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('{')
	comma := false
	member := func(name string, v any) {
		if comma {
			b.WriteByte(',')
		}
		comma = true
		writeJSON(&b, name)
		b.WriteByte(':')
		writeJSON(&b, v)
	}
	if s.Sid != "" {
		member("Sid", s.Sid)
	}
	member("Effect", string(s.Effect))
	if s.Principal != nil {
		member(notName("Principal", s.NotPrincipal), s.Principal.canonical())
	}
	member(notName("Action", s.NotAction), s.Action)
	if s.Resource != nil {
		member(notName("Resource", s.NotResource), s.Resource)
	}
	if len(s.Condition) > 0 {
		member("Condition", conditionJSON(s.Condition))
	}
	b.WriteByte('}')
	return b.Bytes()
}

func notName(name string, not bool) string {
	if not {
		return "Not" + name
	}
	return name
}

// canonical writes a principal: "*", or an object of lists.
func (ps *Principals) canonical() json.RawMessage {
	var b bytes.Buffer
	if ps.All {
		writeJSON(&b, "*")
		return b.Bytes()
	}
	b.WriteByte('{')
	comma := false
	for _, m := range []struct {
		name string
		list []string
	}{{"AWS", ps.AWS}, {"Service", ps.Service}, {"Federated", ps.Federated}, {"CanonicalUser", ps.CanonicalUser}} {
		if len(m.list) == 0 {
			continue
		}
		if comma {
			b.WriteByte(',')
		}
		comma = true
		writeJSON(&b, m.name)
		b.WriteByte(':')
		writeJSON(&b, m.list)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// conditionJSON groups conditions by operator in order of first
// appearance, as the parser read them.
func conditionJSON(cs []Condition) json.RawMessage {
	var ops []string
	keys := map[string][]Condition{}
	for _, c := range cs {
		if _, ok := keys[c.Operator]; !ok {
			ops = append(ops, c.Operator)
		}
		keys[c.Operator] = append(keys[c.Operator], c)
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, op := range ops {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSON(&b, op)
		b.WriteString(":{")
		for j, c := range keys[op] {
			if j > 0 {
				b.WriteByte(',')
			}
			writeJSON(&b, c.Key)
			b.WriteByte(':')
			vals := c.Values
			if vals == nil {
				vals = []string{}
			}
			writeJSON(&b, vals)
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
	return b.Bytes()
}
